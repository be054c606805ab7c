import Foundation
import XCTest
@testable import SyntheticData

final class ConfigTests: XCTestCase {
    /// Asserts that building a vocabulary from `c` fails with a DataConfigError on `field`.
    func expectError(_ field: String, _ edit: (inout DataConfig) -> Void,
                     file: StaticString = #filePath, line: UInt = #line) {
        var c = DataConfig()
        edit(&c)
        XCTAssertThrowsError(try Vocabulary(config: c), file: file, line: line) { e in
            guard let err = e as? DataConfigError else { return XCTFail("\(e)", file: file, line: line) }
            XCTAssertEqual(err.field, field, "\(err)", file: file, line: line)
            XCTAssertTrue(err.description.contains(field) && err.description.contains("allowed"),
                          err.description, file: file, line: line)
        }
    }

    func testBadValuesNameTheFieldAndAllowedValues() {
        expectError("gsm.modulus") { $0.gsm.modulus = 1 }
        expectError("gsm.maxSteps") { $0.gsm.minSteps = 3; $0.gsm.maxSteps = 2 }
        expectError("gsm.maxSteps") { $0.gsm.maxSteps = 9 }
        expectError("gsm.minSteps") { $0.gsm.minSteps = 0 }
        expectError("gsm.maxOperand") { $0.gsm.maxOperand = 11 }
        expectError("gsm.operations") { $0.gsm.operations = ["/"] }
        expectError("gsm.operations") { $0.gsm.operations = [] }
        expectError("gsm.names") { $0.gsm.names = [] }
        expectError("gsm.names") { $0.gsm.names = ["ann", "bob", "cid"] }   // needs k + 1 = 4
        expectError("gsm.names") { $0.gsm.names[1] = "ann" }
        expectError("kb.categories") { $0.gsm.names[0] = "fish" }           // also a name: reported on the later pool
        expectError("gsm.names") { $0.gsm.names[0] = "steps:" }             // a structural word
        expectError("gsm.heldOutFraction") { $0.gsm.heldOutFraction = 0.9 }
        // p = 2 with one operand and one operation: 2 skeletons for k = 1, too few to split.
        expectError("gsm.heldOutFraction") { $0.gsm.modulus = 2; $0.gsm.maxOperand = 1; $0.gsm.operations = ["+"] }
        expectError("kb.hops") { $0.kb.hops = 4 }
        expectError("kb.categories") { $0.kb.categories = [] }
        expectError("kb.habitats") { $0.kb.habitats = ["water", "desert", "tree", "cave"] } // 5 choices
        expectError("kb.colors") { $0.kb.colors = ["red", "red", "blue", "gray", "white"] }
        expectError("kb.choiceCount") { $0.kb.choiceCount = 6 }
        expectError("kb.otherCategoryDistractors") { $0.kb.otherCategoryDistractors = 5 }
        expectError("kb.heldOutEntityFraction") { $0.kb.heldOutEntityFraction = 0 }
        expectError("kb.heldOutEntityFraction") { $0.kb.entityCount = 2; $0.kb.heldOutEntityFraction = 0.9 }
        expectError("kb.groupCount") { $0.kb.hops = 3; $0.kb.groupCount = 3 }
        expectError("corpus.base.gsmDirect") { $0.corpus.base.gsmDirect = -1 }
        expectError("corpus.generic") { $0.corpus.generic = CorpusMixture() }
        expectError("eval.itemsPerSet") { $0.eval.itemsPerSet = 0 }
    }

    func testStrictJSONDefaultsAndUnknownKeys() throws {
        let partial = #"{"gsm": {"modulus": 13, "maxOperand": 4}, "corpus": {"packing": "packed"}}"#
        let c = try JSONDecoder().decode(DataConfig.self, from: Data(partial.utf8))
        XCTAssertEqual(c.gsm.modulus, 13)
        XCTAssertEqual(c.gsm.maxOperand, 4)
        XCTAssertEqual(c.gsm.names, GSMConfig().names)
        XCTAssertEqual(c.corpus.packing, .packed)
        XCTAssertEqual(c.corpus.base, .mathRecipe)
        XCTAssertEqual(c.kb, KBConfig())

        let full = try JSONEncoder().encode(c)
        XCTAssertEqual(try JSONDecoder().decode(DataConfig.self, from: full), c)

        for (json, field) in [(#"{"gsm": {"modulos": 13}}"#, "gsm.modulos"),
                              (#"{"corpus": {"base": {"gsmWorkd": 1}}}"#, "corpus.base.gsmWorkd"),
                              (#"{"corpus": {"packing": "tight"}}"#, "corpus.packing"),
                              (#"{"evaluation": {}}"#, "evaluation")] {
            XCTAssertThrowsError(try JSONDecoder().decode(DataConfig.self, from: Data(json.utf8))) { e in
                XCTAssertEqual((e as? DataConfigError)?.field, field, "\(e)")
            }
        }
    }

    func testDefaultsFollowTheMeasuredRecipe() {
        let c = DataConfig()
        XCTAssertEqual(c.gsm.modulus, 11)
        XCTAssertEqual(c.gsm.stepRange, 1...3)
        XCTAssertEqual([c.gsm.minOperand, c.gsm.maxOperand], [1, 3])
        XCTAssertEqual(c.corpus.base, CorpusMixture(gsmWorked: 0.4, gsmDirect: 0.3, arithmeticFact: 0.3))
        XCTAssertEqual(c.corpus.packing, .unpacked)
        XCTAssertGreaterThanOrEqual(c.eval.itemsPerSet, 500)
    }
}
