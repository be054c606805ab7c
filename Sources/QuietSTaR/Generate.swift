import Foundation
import TensorCore
import Transformer

/// Text generation with a thought before every token (used by chain-of-thought evaluation and the
/// `generate` command). At each step: `predictLastWithThoughts` on the text so far (a base pass and
/// one thought at the last position), then the next token from the mixed prediction.
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
            let pred = predictLastWithThoughts(prompts: seqs, decoding: thoughtDecoding, using: &rng)
            let logits = pred.mixedLogits, thought = pred.thoughts
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
