import XCTest
@testable import SyntheticData

/// `kb.fineTuneEntityFraction`: a third group of entities whose top-level questions only the
/// continued-training corpora ask.
final class FineTuneEntityTests: XCTestCase {
    func config(_ fraction: Double) -> DataConfig {
        var c = DataConfig()
        c.kb.fineTuneEntityFraction = fraction
        let kbOnly = CorpusMixture(kbFact: 0.1, kbWorked: 0.45, kbDirect: 0.45)
        c.corpus.base = kbOnly; c.corpus.reasoning = kbOnly; c.corpus.generic = kbOnly
        return c
    }

    /// Subjects of the top-level (entity) questions in 40 batches of a corpus.
    func questionSubjects(_ kind: CorpusKind, _ v: Vocabulary) throws -> Set<String> {
        let corpus = try Corpus(kind: kind, vocabulary: v, seed: 4)
        let entities = Set(v.knowledgeBase.entities.map { try! v.id(of: $0) })
        var out: Set<String> = []
        for b in 0..<40 {
            for row in corpus.batch(index: b, size: 32, length: 64) where row.first == v.question {
                let prompt = row.prefix { $0 != v.answer }
                if let e = prompt.first(where: entities.contains) { out.insert(v.word(of: e)) }
            }
        }
        return out
    }

    func testSplitIsDisjointAndCorporaAskTheirOwnEntities() throws {
        let v = try Vocabulary(config: config(0.25))
        let kb = v.knowledgeBase
        XCTAssertEqual(kb.fineTuneEntities.count, 12)
        XCTAssertEqual(kb.heldOutEntities.count, 14)
        XCTAssertEqual(Set(kb.fineTuneEntities + kb.trainEntities + kb.heldOutEntities).count, kb.entities.count)
        XCTAssertTrue(Set(kb.fineTuneEntities).isDisjoint(with: kb.trainEntities + kb.heldOutEntities))
        XCTAssertEqual(try questionSubjects(.base, v), Set(kb.trainEntities))
        XCTAssertEqual(try questionSubjects(.reasoning, v), Set(kb.fineTuneEntities))
        XCTAssertEqual(try questionSubjects(.generic, v), Set(kb.fineTuneEntities))
    }

    func testZeroKeepsTheWorldAndItsEncoding() throws {
        let v = try Vocabulary(config: config(0))
        let before = try Vocabulary(config: { var c = config(0); c.kb = KBConfig(); return c }())
        XCTAssertTrue(v.knowledgeBase.fineTuneEntities.isEmpty)
        XCTAssertEqual(v.knowledgeBase.trainEntities, before.knowledgeBase.trainEntities)
        XCTAssertEqual(try questionSubjects(.reasoning, v), Set(v.knowledgeBase.trainEntities))
        let text = String(decoding: try JSONEncoder().encode(KBConfig()), as: UTF8.self)
        XCTAssertFalse(text.contains("fineTune"))
        var used = KBConfig(); used.fineTuneEntityFraction = 0.2
        XCTAssertEqual(try JSONDecoder().decode(KBConfig.self, from: try JSONEncoder().encode(used)), used)
    }

    func testBadFractionNamesTheField() {
        for bad in [-0.1, 0.6, 0.69] {
            var c = DataConfig(); c.kb.fineTuneEntityFraction = bad
            XCTAssertThrowsError(try c.validate()) { e in
                XCTAssertTrue("\(e)".contains("kb.fineTuneEntityFraction"), "\(e)")
            }
        }
    }
}
