import XCTest
@testable import SyntheticData

/// `gsm.shuffleFraction`: each problem, independently, has its sentences in random order with this
/// probability, the others in dependency order.
final class ShuffleFractionTests: XCTestCase {
    /// Whether the statement sentences follow the chain (each chain name stated after the one
    /// it depends on); there are no distractors in these worlds.
    func inChainOrder(_ p: GSMProblem) -> Bool {
        p.sentences.map { $0[0] } == p.chainNames
    }

    func orderedShare(_ gsm: GSMConfig, count: Int = 4000) throws -> Double {
        let gen = try GSMGenerator(config: gsm)
        var rng = SplitMix64(seed: 21)
        var ordered = 0
        for _ in 0..<count where inChainOrder(gen.problem(split: .train, using: &rng)) { ordered += 1 }
        return Double(ordered) / Double(count)
    }

    /// A random order is the chain order with probability 1 / (k + 1)! (k = 1 ... 3 uniform:
    /// 0.236), so the share in chain order is 1 at fraction 0, about 0.236 with every problem
    /// shuffled and about 0.5 + 0.5 * 0.236 = 0.618 at fraction 0.5.
    func testShareOfProblemsInChainOrderFollowsTheFraction() throws {
        var g = GSMConfig()
        XCTAssertEqual(try orderedShare(g), 1)
        g.shuffleSentences = true
        XCTAssertEqual(try orderedShare(g), 0.236, accuracy: 0.03)
        g.shuffleSentences = false
        g.shuffleFraction = 0.5
        XCTAssertEqual(try orderedShare(g), 0.618, accuracy: 0.03)
        g.shuffleFraction = 1
        XCTAssertEqual(try orderedShare(g), 0.236, accuracy: 0.03)
    }

    /// (That such problems stay solvable: SolverTests.testGSMHalfShuffled.)
    func testZeroIsNotEncodedAndAFractionRoundTrips() throws {
        var c = DataConfig()
        c.gsm.shuffleFraction = 0.5
        XCTAssertFalse(String(decoding: try JSONEncoder().encode(GSMConfig()), as: UTF8.self).contains("shuffleFraction"))
        XCTAssertEqual(try JSONDecoder().decode(GSMConfig.self, from: try JSONEncoder().encode(c.gsm)), c.gsm)
        // encode is written by hand: every field, each away from its default, comes back.
        var all = GSMConfig()
        all.modulus = 13; all.minSteps = 2; all.maxSteps = 4; all.minOperand = 2; all.maxOperand = 5
        all.operations = ["+"]; all.minDistractors = 1; all.maxDistractors = 2; all.shuffleFraction = 0.3
        all.names = Array(all.names.reversed()); all.objects = ["apples"]; all.heldOutFraction = 0.2
        XCTAssertEqual(try JSONDecoder().decode(GSMConfig.self, from: try JSONEncoder().encode(all)), all)
        var shuffled = GSMConfig(); shuffled.shuffleSentences = true
        XCTAssertEqual(try JSONDecoder().decode(GSMConfig.self, from: try JSONEncoder().encode(shuffled)), shuffled)
        // The encoded default decodes to the default (the field's absence means 0).
        XCTAssertEqual(try JSONDecoder().decode(GSMConfig.self, from: try JSONEncoder().encode(GSMConfig())), GSMConfig())
    }

    func testBadFractionNamesTheField() {
        for bad in [-0.1, 1.5, Double.nan] {
            var c = DataConfig(); c.gsm.shuffleFraction = bad
            XCTAssertThrowsError(try c.validate(), "\(bad)") { e in
                XCTAssertTrue("\(e)".contains("gsm.shuffleFraction") && "\(e)".contains("0 ... 1"), "\(e)")
            }
        }
        var both = DataConfig(); both.gsm.shuffleSentences = true; both.gsm.shuffleFraction = 0.5
        XCTAssertThrowsError(try both.validate()) { e in
            XCTAssertTrue("\(e)".contains("gsm.shuffleFraction") && "\(e)".contains("shuffleSentences"), "\(e)")
        }
        var ok = DataConfig(); ok.gsm.shuffleFraction = 1
        XCTAssertNoThrow(try ok.validate())
    }
}
