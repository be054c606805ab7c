import XCTest
@testable import SyntheticData

/// `EvalSuite.chains`: held-out GSM-style items of one chain length, also beyond the training range
/// (the chain-of-thought set of `eval.cot.steps`).
final class ChainSetTests: XCTestCase {
    /// Chains of 4 operations in a world whose training text has k = 1 ... 3: every item has four
    /// relation sentences, an answer the text solver re-derives, and a worked solution of four steps.
    func testChainsBeyondTheTrainingRangeAreWellFormed() throws {
        let c = DataConfig()
        XCTAssertEqual(c.gsm.maxSteps, 3)
        let v = try Vocabulary(config: c)
        let set = EvalSuite.chains(k: 4, count: 300, vocabulary: v, seed: 1234)
        XCTAssertEqual(set.name, "gsm-k4-cot")
        XCTAssertEqual(set.items.count, 300)
        XCTAssertEqual(Set(set.items.map(\.difficulty)), [4])
        for item in set.items {
            let text = v.decode(item.prompt + item.solution + item.answer)
            let r = try XCTUnwrap(TextSolver.solveGSM(text, modulus: c.gsm.modulus), text)
            XCTAssertEqual(r.relationSentences, 4, text)
            XCTAssertEqual(r.solved, try Int(XCTUnwrap(v.decode([item.answer[0]]).split(separator: " ").first)), text)
            XCTAssertEqual(r.solved, r.stated, text)
            XCTAssertTrue(r.stepsAgree, text)
            XCTAssertEqual(item.intermediates.count, 3)
        }
        // Not 300 copies of a few problems.
        XCTAssertGreaterThan(Set(set.items.map(\.prompt)).count, 280)
    }

    /// Skeletons come from the held-out bucket, so within the training range the items are
    /// disjoint from training text (LeakageTests scans corpora for them); the set depends only on
    /// (seed, k), not on the standard sets, and changes with the seed.
    func testChainsAreHeldOutAndDeterministic() throws {
        let v = try Vocabulary(config: DataConfig())
        let gen = try GSMGenerator(config: DataConfig().gsm)
        var rng = SplitMix64(seed: 5)
        let train = Set((0..<3000).map { _ in EvalSuite.gsmItem(gen.problem(k: 2, split: .train, using: &rng), vocabulary: v).prompt })
        let two = EvalSuite.chains(k: 2, count: 200, vocabulary: v, seed: 1234)
        XCTAssertTrue(train.isDisjoint(with: two.items.map(\.prompt)))
        let a = EvalSuite.chains(k: 4, count: 50, vocabulary: v, seed: 1234)
        let b = EvalSuite.chains(k: 4, count: 50, vocabulary: v, seed: 1234)
        XCTAssertEqual(a.items, b.items)
        XCTAssertNotEqual(a.items, EvalSuite.chains(k: 4, count: 50, vocabulary: v, seed: 1235).items)
        // The first items do not depend on how many are drawn.
        XCTAssertEqual(Array(EvalSuite.chains(k: 4, count: 80, vocabulary: v, seed: 1234).items.prefix(50)), a.items)
    }

    func testWhichChainLengthsAWorldAllows() {
        var g = GSMConfig()
        XCTAssertEqual(g.longestChain, 8)
        XCTAssertTrue(g.allowsChains(k: 1) && g.allowsChains(k: 8))
        XCTAssertFalse(g.allowsChains(k: 0) || g.allowsChains(k: 9))
        g.names = Array(g.names.prefix(5))
        g.maxDistractors = 1
        XCTAssertEqual(g.longestChain, 3)
        XCTAssertTrue(g.allowsChains(k: 3))
        XCTAssertFalse(g.allowsChains(k: 4))
    }
}
