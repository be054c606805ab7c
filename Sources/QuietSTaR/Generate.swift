import Foundation
import TensorCore
import Transformer

/// Text generation with a thought before every token (used by chain-of-thought evaluation and the
/// `generate` command). At each step: a base pass over the text so far, one thought at the LAST
/// position only (a thought never changes the text's keys, so the prediction at the last position is
/// the same as with thoughts at every position), the mixed prediction, then the next token.
public struct Generation {
    /// Generated tokens per row (without the prompt; thought tokens never appear here).
    public var tokens: [[Int]]
    /// The thought used before each generated token, per row.
    public var thoughts: [[[Int]]]
}

extension QuietSTaRModel {
    /// Continues one prompt per row (all prompts the same length).
    /// - temperature: nil = greedy; otherwise sample the next token from softmax(logits / T).
    /// - stop: a row stops after emitting one of these tokens.
    public func generate(prompts: [[Int]], maxTokens: Int, temperature: Float?, stop: Set<Int>,
                         thoughtDecoding: QuietSTaRConfig.ThoughtDecoding? = nil,
                         using rng: inout RNG) -> Generation {
        let b = prompts.count
        precondition(b > 0 && Set(prompts.map(\.count)).count == 1, "generate: prompts must share one length")
        let v = gpt.config.vocab
        var seqs = prompts
        var out = Generation(tokens: [[Int]](repeating: [], count: b), thoughts: [[[Int]]](repeating: [], count: b))
        var done = [Bool](repeating: false, count: b)
        for _ in 0..<maxTokens {
            let n = seqs[0].count
            guard n + config.maxPositionOffset < gpt.config.context else { break }
            let base = gpt.forward(tokens: seqs.flatMap { $0 }, batch: b, length: n)
            let lastHidden = base.hidden.slice(axis: 1, (n - 1)..<n)   // (B, 1, C)
            var logits: [Float]
            var thought: [[Int]] = [[Int]](repeating: [], count: b)
            if config.method == .noThought {
                logits = base.logits.slice(axis: 1, (n - 1)..<n).data
            } else {
                let mode: Decoding
                if config.method == .pause { mode = .forced(config.pauseToken) }
                else { mode = (thoughtDecoding ?? config.evalThoughts) == .greedy ? .greedy : .sample }
                let roll = think(prefix: base.kv, positions: [Int](repeating: n - 1, count: b), rows: b, length: 1,
                                 decoding: mode, keepLogPi: false, using: &rng)
                let w = mixingWeight(base: lastHidden, thought: roll.endHidden)
                logits = gpt.logits(mix(base: lastHidden, thought: roll.endHidden, w: w)).data
                for s in roll.tokens { for r in 0..<b { thought[r].append(s[r]) } }
            }
            for r in 0..<b where !done[r] {
                let row = Array(logits[(r * v)..<((r + 1) * v)])
                let next: Int
                if let t = temperature {
                    let mx = row.max()!
                    let p = row.map { Foundation.exp(($0 - mx) / t) }
                    next = p.withUnsafeBufferPointer { rng.categorical($0) }
                } else {
                    next = row.indices.max { row[$0] < row[$1] }!
                }
                out.tokens[r].append(next)
                out.thoughts[r].append(thought[r])
                if stop.contains(next) { done[r] = true }
            }
            // Finished rows keep being extended (with their stop token) so all rows share one length.
            for r in 0..<b { seqs[r].append(out.tokens[r].last!) }
            if done.allSatisfy({ $0 }) { break }
        }
        return out
    }
}
