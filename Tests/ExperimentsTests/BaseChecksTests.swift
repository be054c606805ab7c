import XCTest
@testable import Experiments
import QuietSTaR
import SyntheticData
import TensorCore
import Transformer

/// The base-model checks against simpler twins: direct scores equal the evaluator's no-thought
/// scores, greedy continuations equal a one-item-at-a-time argmax loop, and the oracle input is the
/// prompt followed by the true solution.
final class BaseChecksTests: XCTestCase {
    func fixture() throws -> (GPT, Vocabulary, [EvalSet]) {
        var data = DataConfig()
        data.eval.itemsPerSet = 12
        let v = try Vocabulary(config: data)
        var rng = RNG(seed: 3)
        let gpt = GPT(GPTConfig(vocab: v.count, context: 96, layers: 1, width: 32, heads: 2), using: &rng)
        return (gpt, v, EvalSuite.standard(vocabulary: v, seed: 9))
    }

    func testDirectScoresEqualTheEvaluatorsBaseScores() throws {
        let (gpt, v, sets) = try fixture()
        var cfg = QuietSTaRConfig()
        cfg.method = .noThought
        cfg.startMarkerInitToken = v.steps; cfg.endMarkerInitToken = v.period
        var rng = RNG(seed: 1)
        let model = QuietSTaRModel(gpt: gpt, config: cfg, using: &rng)
        let checks = BaseChecks.run(gpt, sets: sets, vocabulary: v, batch: 5, maxTokens: 2)
        for (set, r) in zip(sets, checks) {
            // scoreLast wants one prompt length: score item by item.
            var soft = 0.0, exact = 0.0
            for item in set.items {
                let s = Evaluator.scoreLast([item], model: model, using: &rng)[0]
                soft += s.soft; exact += s.exact
            }
            let n = Double(set.items.count)
            XCTAssertEqual(r.directSoft, soft / n, accuracy: 1e-5, set.name)
            XCTAssertEqual(r.directExact, exact / n, accuracy: 1e-9, set.name)
            XCTAssertEqual(r.items, set.items.count)
        }
    }

    func testGreedyEqualsOneItemLoopAndStopsAtTheStopToken() throws {
        let (gpt, v, sets) = try fixture()
        let inputs = sets.flatMap { $0.items.prefix(3).map { $0.prompt + [v.steps] } }
        let stop = v.period
        let got = BaseChecks.greedy(gpt, inputs, maxTokens: 6, stop: stop, batch: 4)
        for (input, g) in zip(inputs, got) {
            var seq = input, twin: [Int] = []
            for _ in 0..<6 {
                let out = gpt.forward(tokens: seq, batch: 1, length: seq.count).logits.data
                let last = Array(out[((seq.count - 1) * v.count)...])
                let t = last.indices.max { last[$0] < last[$1] || (last[$0] == last[$1] && $0 > $1) }!
                twin.append(t); seq.append(t)
                if t == stop { break }
            }
            XCTAssertEqual(g, twin)
        }
    }

    func testOracleScoresTheAnswerAfterTheTrueSolution() throws {
        let (gpt, v, sets) = try fixture()
        let set = sets[0]
        let r = BaseChecks.run(gpt, sets: [set], vocabulary: v, batch: 50, maxTokens: 1)[0]
        let pairs = set.items.map { ($0.prompt + $0.solution, $0) }
        let twin = BaseChecks.score(gpt, pairs, batch: 1)
        XCTAssertEqual(r.oracleSoft, twin.soft / Double(set.items.count), accuracy: 1e-5)
        XCTAssertEqual(r.oracleExact, twin.exact / Double(set.items.count), accuracy: 1e-9)
        XCTAssertTrue(set.items.allSatisfy { $0.solution.first == v.steps && $0.solution.count > 1 })
    }
}
