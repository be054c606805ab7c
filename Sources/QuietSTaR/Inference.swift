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
        let rollout = think(prefix: base.kv, positions: positions, batch: b, length: l, decoding: inferenceDecoding(decoding),
                            keepLogPi: false, using: &rng)
        let w = mixingWeight(base: base.hidden, thought: rollout.endHidden)
        let mixed = gpt.logits(mix(base: base.hidden, thought: rollout.endHidden, w: w))
        var thoughts = [[Int]](repeating: [], count: b * l)
        for s in rollout.tokens { for p in 0..<(b * l) { thoughts[p].append(s[p]) } }
        return ThinkingOutput(batch: b, length: l, vocab: v, mixedLogits: mixed.data, baseLogits: base.logits.data,
                              thoughtWeight: w.data.map { thoughtShare($0) }, thoughts: thoughts)
    }
}

extension QuietSTaRModel {
    /// The prediction after the LAST position of each prompt only (all prompts the same length):
    /// a base pass over the prompts and one thought at the last column. A thought never changes the
    /// text's keys, so this equals the last column of `predictWithThoughts` at a fraction of the cost
    /// (evaluation reads only that position). Output: `length` 1, logits (B * V).
    public func predictLastWithThoughts(prompts: [[Int]], decoding: QuietSTaRConfig.ThoughtDecoding? = nil,
                                        using rng: inout RNG) -> ThinkingOutput {
        predictLast(prompts: prompts, decoding: inferenceDecoding(decoding), using: &rng)
    }

    /// `predictLastWithThoughts` with each prompt's thought GIVEN instead of generated: `thoughts[r]`
    /// (t tokens) is fed between the markers after prompt r, with the model's own markers and mixing
    /// head (e.g. another prompt's thought, to ask whether a thought's content matters). Fed as is:
    /// forbidden tokens are not checked. A no-thought model ignores them.
    /// - thoughtShare: nil for the mixing head's weight; otherwise the mixing head is replaced by
    ///   this fixed share of the thought's prediction (0 gives the base prediction, 1 the thought's
    ///   alone), at every prompt. Inference only: training always uses the head.
    public func predictLastWithThoughts(prompts: [[Int]], given thoughts: [[Int]], thoughtShare fixedShare: Float? = nil) -> ThinkingOutput {
        let t = config.thoughtLength
        var rng = RNG(seed: 0)   // unused: nothing is sampled
        if config.method == .noThought { return predictLast(prompts: prompts, decoding: .greedy, using: &rng) }
        precondition(thoughts.count == prompts.count && thoughts.allSatisfy { $0.count == t },
                     "predictLastWithThoughts: one thought of \(t) tokens per prompt")
        let steps = (0..<t).map { s in thoughts.map { $0[s] } }
        return predictLast(prompts: prompts, decoding: .replay(steps), thoughtShare: fixedShare, using: &rng)
    }

    func predictLast(prompts: [[Int]], decoding: Decoding, thoughtShare fixedShare: Float? = nil, using rng: inout RNG) -> ThinkingOutput {
        let b = prompts.count
        precondition(b > 0 && Set(prompts.map(\.count)).count == 1, "predictLastWithThoughts: prompts must share one length")
        let n = prompts[0].count, v = gpt.config.vocab
        let base = gpt.forward(tokens: prompts.flatMap { $0 }, batch: b, length: n)
        let lastHidden = base.hidden.slice(axis: 1, (n - 1)..<n)      // (B, 1, C)
        let baseLogits = base.logits.slice(axis: 1, (n - 1)..<n).data
        if config.method == .noThought {
            return ThinkingOutput(batch: b, length: 1, vocab: v, mixedLogits: baseLogits, baseLogits: baseLogits,
                                  thoughtWeight: [Float](repeating: 0, count: b), thoughts: [[Int]](repeating: [], count: b))
        }
        let roll = think(prefix: base.kv, positions: [Int](repeating: n - 1, count: b), batch: b, length: 1,
                         decoding: decoding, keepLogPi: false, using: &rng)
        let w = fixedShare.map { fixedMixingWeight(share: $0, rows: b, length: 1) }
            ?? mixingWeight(base: lastHidden, thought: roll.endHidden)
        let mixed = gpt.logits(mix(base: lastHidden, thought: roll.endHidden, w: w))
        var thoughts = [[Int]](repeating: [], count: b)
        for s in roll.tokens { for r in 0..<b { thoughts[r].append(s[r]) } }
        return ThinkingOutput(batch: b, length: 1, vocab: v, mixedLogits: mixed.data, baseLogits: baseLogits,
                              thoughtWeight: w.data.map { thoughtShare($0) }, thoughts: thoughts)
    }
}

extension QuietSTaRModel {
    /// Thought decoding at inference: the pause token for `.pause`, otherwise greedy or sampled
    /// (the argument, or `config.evalThoughts`).
    func inferenceDecoding(_ override: QuietSTaRConfig.ThoughtDecoding?) -> Decoding {
        if config.method == .pause { return .forced(config.pauseToken) }
        return (override ?? config.evalThoughts) == .greedy ? .greedy : .sample
    }
}
