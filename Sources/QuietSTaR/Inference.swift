import TensorCore
import Transformer

/// What the model predicts at every position after thinking once there (r = 1, n_true = 1).
public struct ThinkingOutput {
    public let batch: Int, length: Int, vocab: Int
    /// Mixed logits (B * L * V): the prediction of x_{i+1} after the thought at column i.
    public let mixedLogits: [Float]
    /// Base logits (B * L * V), no thought.
    public let baseLogits: [Float]
    /// Weight of the thought's prediction at each position (B * L).
    public let thoughtWeight: [Float]
    /// The thought at each position: `thoughts[b * L + i]` has t tokens.
    public let thoughts: [[Int]]
}

extension QuietSTaRModel {
    /// Inference with thoughts (used by evaluation): one thought per position, greedy or sampled
    /// per `config.evalThoughts` (or `decoding` if given). The `.noThought` method returns the base
    /// prediction with weight 0; `.pause` feeds the pause token.
    public func predictWithThoughts(tokens: [Int], batch b: Int, length l: Int,
                                    decoding: QuietSTaRConfig.ThoughtDecoding? = nil,
                                    using rng: inout RNG) -> ThinkingOutput {
        let v = gpt.config.vocab
        let base = gpt.forward(tokens: tokens, batch: b, length: l)
        if config.method == .noThought {
            return ThinkingOutput(batch: b, length: l, vocab: v, mixedLogits: base.logits.data, baseLogits: base.logits.data,
                                  thoughtWeight: [Float](repeating: 0, count: b * l),
                                  thoughts: [[Int]](repeating: [], count: b * l))
        }
        let positions = (0..<b).flatMap { _ in Array(0..<l) }
        let mode: Decoding
        if config.method == .pause { mode = .forced(config.pauseToken) }
        else { mode = (decoding ?? config.evalThoughts) == .greedy ? .greedy : .sample }
        let rollout = think(prefix: base.kv, positions: positions, rows: b, length: l, decoding: mode,
                            keepLogPi: false, using: &rng)
        let w = mixingWeight(base: base.hidden, thought: rollout.endHidden)
        let mixed = gpt.logits(mix(base: base.hidden, thought: rollout.endHidden, w: w))
        var thoughts = [[Int]](repeating: [], count: b * l)
        for s in rollout.tokens { for p in 0..<(b * l) { thoughts[p].append(s[p]) } }
        return ThinkingOutput(batch: b, length: l, vocab: v, mixedLogits: mixed.data, baseLogits: base.logits.data,
                              thoughtWeight: w.data.map { thoughtShare($0) }, thoughts: thoughts)
    }
}
