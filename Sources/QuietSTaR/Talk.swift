import TensorCore
import Transformer

/// "Talk": after the end marker, teacher-force n_true true tokens and mix each post-thought
/// prediction with the base prediction through the mixing head.
///
/// Talk step k = 0 ... n_true-1 in column i predicts x_{i+1+k}; step k >= 1 is fed x_{i+k} (the
/// non-myopic teacher forcing). The mixed prediction uses w = head([H0 at i+k, H_thought at i]),
/// held constant in the backward pass at k >= 1 when only the first talk step trains the head.
struct TalkOutput {
    /// Per k: NLL of the mixed prediction (rows * L), 0 where the target is ignored.
    var nll: [Tensor]
    /// Per k: targets used (rows * L), ignoreIndex past the end or at padding.
    var targets: [[Int]]
    /// Mixing weights of talk step 0 (rows * L), as the thought's share of the prediction.
    var thoughtShare: [Float]
    /// Mixed logits of talk step 0 (rows, L, V).
    var firstLogits: Tensor
}

extension QuietSTaRModel {
    /// - baseHidden: H0 tiled to (rows, L, C);  inputs/targets: rows * L tokens (targets[i] = x_{i+1}).
    func talk(rollout: ThoughtRollout, baseHidden: Tensor, inputs: [Int], targets: [Int],
              positions: [Int], rows: Int, length: Int, nTrue: Int) -> TalkOutput {
        let t = config.thoughtLength
        var steps = rollout.steps
        var hThought = rollout.endHidden
        var nll: [Tensor] = []
        var allTargets: [[Int]] = []
        var share: [Float] = []
        var first: Tensor? = nil
        for k in 0..<nTrue {
            if k > 0 {
                // Feed x_{i+k} at position i + t + 2 + k, seeing the thought and earlier talk tokens.
                var fed = [Int](repeating: 0, count: rows * length)
                for r in 0..<rows { for i in 0..<length where i + k < length { fed[r * length + i] = inputs[r * length + i + k] } }
                let out = gpt.forward(embeddings: gpt.embed(fed, batch: rows, length: length),
                                      positions: positions.map { $0 + t + 2 + k }, mask: .causal,
                                      cache: .thought(prefix: rollout.prefix, steps: steps))
                steps.append(out.kv)
                hThought = out.hidden
            }
            var tk = [Int](repeating: ignoreIndex, count: rows * length)
            for r in 0..<rows { for i in 0..<length where i + k < length { tk[r * length + i] = targets[r * length + i + k] } }
            let hBase = shiftLeft(baseHidden, by: k)          // column i holds H0[i + k]
            var w = mixingWeight(base: hBase, thought: hThought)  // (rows, L, 1)
            if k > 0 && config.effectiveMixingHeadTraining == .firstTalkStep { w = w.detached() }
            let logits = gpt.logits(mix(base: hBase, thought: hThought, w: w))  // (rows, L, V)
            nll.append(logits.reshaped([rows * length, gpt.config.vocab]).nllPerRow(targets: tk))
            allTargets.append(tk)
            if k == 0 {
                share = w.data.map { thoughtShare($0) }
                first = logits
            }
        }
        return TalkOutput(nll: nll, targets: allTargets, thoughtShare: share, firstLogits: first!)
    }

    /// (rows, L, C) -> (rows, L, C) with column i holding column i + k (zeros past the end).
    func shiftLeft(_ h: Tensor, by k: Int) -> Tensor {
        if k == 0 { return h }
        let l = h.shape[1]
        if k >= l { return Tensor.zeros(h.shape) }
        return Tensor.concat([h.slice(axis: 1, k..<l), Tensor.zeros([h.shape[0], k, h.shape[2]])], axis: 1)
    }
}
