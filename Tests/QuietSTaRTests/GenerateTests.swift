import XCTest
import TensorCore
@testable import QuietSTaR

final class GenerateTests: XCTestCase {
    /// Greedy generation with thoughts equals, token by token, the argmax of the mixed prediction at
    /// the last position from inference with thoughts at every position.
    func testGreedyGenerationMatchesInferenceWithThoughts() {
        let m = makeModel(t: 2, seed: 12)
        var rng = RNG(seed: 1)
        let prompt = [3, 4, 5, 6]
        let g = m.generate(prompts: [prompt], maxTokens: 5, temperature: nil, stop: [], thoughtDecoding: .greedy, using: &rng)
        var seq = prompt
        let v = m.gpt.config.vocab
        for (k, tok) in g.tokens[0].enumerated() {
            let out = m.predictWithThoughts(tokens: seq, batch: 1, length: seq.count, decoding: .greedy, using: &rng)
            let last = Array(out.mixedLogits[((seq.count - 1) * v)..<(seq.count * v)])
            XCTAssertEqual(tok, last.indices.max { last[$0] < last[$1] }!, "token \(k)")
            XCTAssertEqual(g.thoughts[0][k], out.thoughts[seq.count - 1], "thought before token \(k)")
            seq.append(tok)
        }
        XCTAssertEqual(g.tokens[0].count, 5)
    }
}

final class LastPositionTests: XCTestCase {
    /// Given thoughts are fed as they are: the model's own greedy thoughts give its prediction bit
    /// for bit, other thoughts another one; a no-thought model ignores them.
    func testGivenThoughtsReplaceTheGeneratedOnes() {
        let m = makeModel(t: 3, seed: 14)
        var rng = RNG(seed: 3)
        let prompts = [[3, 4, 5, 6, 7], [8, 9, 3, 4, 11]]
        let own = m.predictLastWithThoughts(prompts: prompts, decoding: .greedy, using: &rng)
        let replayed = m.predictLastWithThoughts(prompts: prompts, given: own.thoughts)
        XCTAssertEqual(replayed.mixedLogits, own.mixedLogits)
        XCTAssertEqual(replayed.baseLogits, own.baseLogits)
        XCTAssertEqual(replayed.thoughts, own.thoughts)
        XCTAssertEqual(replayed.thoughtWeight, own.thoughtWeight)
        // Other thoughts: the base is unchanged, the mixed prediction is not.
        let other = [[5, 6, 7], [8, 3, 9]]
        XCTAssertNotEqual(other, own.thoughts)
        let given = m.predictLastWithThoughts(prompts: prompts, given: other)
        XCTAssertEqual(given.baseLogits, own.baseLogits)
        XCTAssertEqual(given.thoughts, other)
        XCTAssertNotEqual(given.mixedLogits, own.mixedLogits)
        // Each row depends on its own given thought only.
        let one = m.predictLastWithThoughts(prompts: [prompts[1]], given: [other[1]])
        let v = m.gpt.config.vocab
        for j in 0..<v { XCTAssertEqual(one.mixedLogits[j], given.mixedLogits[v + j], accuracy: 1e-5) }

        var cfg = m.config
        cfg.method = .noThought
        let plain = QuietSTaRModel(gpt: m.gpt, config: cfg, using: &rng)
        let ignored = plain.predictLastWithThoughts(prompts: prompts, given: [[], []])
        XCTAssertEqual(ignored.mixedLogits, own.baseLogits)
    }

    /// A fixed thought share replaces the mixing head: share 0 is the base prediction bit for bit,
    /// share 1 the thought's prediction alone, and in between, on either mixing side, the linear
    /// blend of the two (the LM head is linear); the head's own weight, put in as a fixed share,
    /// gives the head's prediction (its twin). The thoughts and base logits do not change.
    func testFixedThoughtShareReplacesTheMixingHead() {
        for side in [QuietSTaRConfig.MixingSide.thought, .base] {
            var m = makeModel(t: 3, seed: 15)
            if side == .base {
                var cfg = m.config
                cfg.mixingSide = .base
                m = m.with(config: cfg)
            }
            var rng = RNG(seed: 4)
            let prompts = [[3, 4, 5, 6, 7], [8, 9, 3, 4, 11], [5, 5, 6, 3, 9]]
            let own = m.predictLastWithThoughts(prompts: prompts, decoding: .greedy, using: &rng)
            XCTAssertGreaterThan(Set(own.thoughtWeight).count, 1, "the random head gives the rows different weights")
            let zero = m.predictLastWithThoughts(prompts: prompts, given: own.thoughts, thoughtShare: 0)
            let one = m.predictLastWithThoughts(prompts: prompts, given: own.thoughts, thoughtShare: 1)
            XCTAssertEqual(zero.mixedLogits, own.baseLogits, "\(side)")
            XCTAssertNotEqual(one.mixedLogits, own.baseLogits, "\(side)")
            XCTAssertEqual(zero.thoughtWeight, [0, 0, 0])
            XCTAssertEqual(one.thoughtWeight, [1, 1, 1])
            for out in [zero, one] {
                XCTAssertEqual(out.thoughts, own.thoughts)
                XCTAssertEqual(out.baseLogits, own.baseLogits)
            }
            let v = m.gpt.config.vocab
            func blend(_ r: Int, _ s: Float) -> [Float] {
                (0..<v).map { (1 - s) * own.baseLogits[r * v + $0] + s * one.mixedLogits[r * v + $0] }
            }
            let quarter = m.predictLastWithThoughts(prompts: prompts, given: own.thoughts, thoughtShare: 0.25)
            for r in 0..<prompts.count {
                let w = own.thoughtWeight[r]
                let atHead = m.predictLastWithThoughts(prompts: [prompts[r]], given: [own.thoughts[r]], thoughtShare: w)
                for (j, (x, y)) in zip(blend(r, 0.25), blend(r, w)).enumerated() {
                    XCTAssertEqual(quarter.mixedLogits[r * v + j], x, accuracy: 1e-4, "\(side) row \(r)")
                    XCTAssertEqual(own.mixedLogits[r * v + j], y, accuracy: 1e-4, "\(side) row \(r): head = blend")
                    XCTAssertEqual(atHead.mixedLogits[j], own.mixedLogits[r * v + j], accuracy: 1e-4,
                                   "\(side) row \(r): fixed at the head's weight = head")
                }
            }
        }
    }

    /// The last-position shortcut equals the last column of thinking at every position.
    func testLastPositionEqualsFullInference() {
        let m = makeModel(t: 3, seed: 13)
        var rng = RNG(seed: 2)
        let prompts = [[3, 4, 5, 6, 7], [8, 9, 3, 4, 11]]
        let last = m.predictLastWithThoughts(prompts: prompts, decoding: .greedy, using: &rng)
        let full = m.predictWithThoughts(tokens: prompts.flatMap { $0 }, batch: 2, length: 5, decoding: .greedy, using: &rng)
        let v = m.gpt.config.vocab
        for r in 0..<2 {
            XCTAssertEqual(last.thoughts[r], full.thoughts[r * 5 + 4])
            XCTAssertEqual(last.thoughtWeight[r], full.thoughtWeight[r * 5 + 4], accuracy: 1e-5)
            for j in 0..<v {
                XCTAssertEqual(last.mixedLogits[r * v + j], full.mixedLogits[(r * 5 + 4) * v + j], accuracy: 1e-4)
                XCTAssertEqual(last.baseLogits[r * v + j], full.baseLogits[(r * 5 + 4) * v + j], accuracy: 1e-4)
            }
        }
    }
}
