import TensorCore
import NN
import Transformer

/// Numbers of one training step, for logs.
public struct StepStats: Sendable {
    public var loss: Float = 0
    /// Mean next-token NLL of the base model (nats).
    public var nllBase: Float = 0
    /// Mean NLL of the mixed (talk) predictions over the n_true scored tokens (nats).
    public var nllTalk: Float = 0
    public var policyLoss: Float = 0
    /// Mean reward: sum over the n_true tokens of (log p_talk - log p_base), nats.
    public var rewardMean: Float = 0
    /// Mean weight of the thought's prediction in the mix (talk step 0).
    public var mixingWeightMean: Float = 0
    /// Global gradient norm before clipping.
    public var gradNorm: Float = 0
    /// Text tokens in the batch.
    public var tokens: Int = 0
}

extension QuietSTaRModel {
    /// The total loss of one batch ("learn"):
    ///   0.5 * talk NLL + 0.5 * base NLL + beta * policy loss (weights from the config).
    /// Reward of a thought: r = sum_k (log p_talk(x_{i+1+k}) - log p_base(x_{i+1+k})), detached.
    /// Advantage: r minus the mean over the r rationales of the same position (`rewardBaseline`
    /// mean, the default) or r itself (`none`); clamped at 0 if set.
    /// Policy loss: mean over thought steps and positions of -A * log pi.
    /// - tokens, targets: B * L each (targets[i] = x_{i+1}, or ignoreIndex).
    public func loss(tokens: [Int], targets: [Int], batch b: Int, length l: Int,
                     using rng: inout RNG) -> (loss: Tensor, stats: StepStats) {
        loss(tokens: tokens, targets: targets, batch: b, length: l, replay: nil, using: &rng).0
    }

    /// Thoughts and advantages of an earlier call, replayed to hold them fixed (for derivative checks).
    struct Replay {
        var tokens: [[Int]]
        var advantage: [Float]
    }

    /// The loss, optionally replaying given thoughts and advantages; also returns what was used.
    func loss(tokens: [Int], targets: [Int], batch b: Int, length l: Int, replay: Replay?,
              using rng: inout RNG) -> ((loss: Tensor, stats: StepStats), Replay) {
        precondition(tokens.count == b * l && targets.count == b * l, "loss: tokens/targets must be B * L")
        var stats = StepStats()
        let v = gpt.config.vocab
        let base = gpt.forward(tokens: tokens, batch: b, length: l)
        let nllBase = base.logits.reshaped([b * l, v]).nllPerRow(targets: targets)  // (B*L)
        let valid = targets.map { $0 == ignoreIndex ? Float(0) : 1 }
        let nValid = max(1, valid.reduce(0, +))
        stats.tokens = b * l
        let baseLoss = (nllBase * Tensor(valid.map { $0 / nValid }, shape: [b * l])).sum()
        stats.nllBase = baseLoss.item
        if config.method == .noThought {
            stats.loss = baseLoss.item
            return ((baseLoss, stats), Replay(tokens: [], advantage: []))
        }

        // Repeat every sequence r times (rationale-major rows: row j * B + b).
        let r = config.rationales, rows = b * r
        let hBase = Tensor.concat(Array(repeating: base.hidden, count: r), axis: 0)
        let inputs = Array([[Int]](repeating: tokens, count: r).joined())
        let tgts = Array([[Int]](repeating: targets, count: r).joined())
        let positions = (0..<rows).flatMap { _ in Array(0..<l) }

        var decoding: Decoding = config.method == .pause ? .forced(config.pauseToken) : .sample
        if let rp = replay { decoding = .replay(rp.tokens) }
        let rollout = think(prefix: base.kv, positions: Array(positions[0..<(b * l)]), batch: b, copies: r, length: l,
                            decoding: decoding, keepLogPi: config.method == .quietSTaR, using: &rng)
        let talk = self.talk(rollout: rollout, baseHidden: hBase, inputs: inputs, targets: tgts,
                             positions: positions, rows: rows, length: l, nTrue: config.nTrue)

        // Talk NLL: mean over every scored (row, i, k).
        var talkTerms: [Tensor] = []
        var talkCount: Float = 0
        for tk in talk.targets { talkCount += Float(tk.filter { $0 != ignoreIndex }.count) }
        talkCount = max(talkCount, 1)
        for (nll, tk) in zip(talk.nll, talk.targets) {
            talkTerms.append((nll * Tensor(tk.map { $0 == ignoreIndex ? 0 : 1 / talkCount }, shape: [rows * l])).sum())
        }
        let talkLoss = talkTerms.dropFirst().reduce(talkTerms[0], +)
        stats.nllTalk = talkLoss.item

        // Rewards (detached): sum_k log p_talk - log p_base, per (row, i).
        var reward = [Float](repeating: 0, count: rows * l)
        var scored = [Bool](repeating: false, count: rows * l)
        for (k, (nll, tk)) in zip(talk.nll, talk.targets).enumerated() {
            for row in 0..<rows { for i in 0..<l where tk[row * l + i] != ignoreIndex {
                let idx = row * l + i
                reward[idx] += -nll.data[idx] + nllBase.data[(row % b) * l + i + k]
                scored[idx] = true
            } }
        }
        var advantage = [Float](repeating: 0, count: rows * l)
        var rewardSum: Float = 0, scoredCount: Float = 0, shareSum: Float = 0
        let subtractMean = config.effectiveRewardBaseline == .mean
        for bi in 0..<b { for i in 0..<l {
            let idxs = (0..<r).map { ($0 * b + bi) * l + i }
            guard scored[idxs[0]] else { continue }
            let baseline = subtractMean ? idxs.reduce(Float(0)) { $0 + reward[$1] } / Float(r) : 0
            for idx in idxs {
                var a = reward[idx] - baseline
                if config.clampNegativeAdvantage { a = max(a, 0) }
                advantage[idx] = a
                rewardSum += reward[idx]; scoredCount += 1
                shareSum += talk.thoughtShare[idx]
            }
        } }
        if let rp = replay { advantage = rp.advantage }
        stats.rewardMean = scoredCount > 0 ? rewardSum / scoredCount : 0
        stats.mixingWeightMean = scoredCount > 0 ? shareSum / scoredCount : 0

        var total = baseLoss * config.baseLossWeight + talkLoss * config.talkLossWeight
        if config.method == .quietSTaR && !rollout.logPi.isEmpty {
            // Policy loss: mean over steps s and scored positions of -A * log pi_s.
            let denom = Float(rollout.logPi.count) * max(scoredCount, 1)
            let coef = Tensor(advantage.map { -$0 / denom }, shape: [rows * l])
            let terms = rollout.logPi.map { ($0 * coef).sum() }
            let policy = terms.dropFirst().reduce(terms[0], +)
            stats.policyLoss = policy.item
            total = total + policy * config.policyWeight
        }
        stats.loss = total.item
        return ((total, stats), Replay(tokens: rollout.tokens, advantage: advantage))
    }
}

/// One optimizer step of Quiet-STaR (or of a control method) on one batch.
public final class QuietSTaRTrainer {
    public let model: QuietSTaRModel
    public let optimizer: AdamW

    public init(model: QuietSTaRModel, weightDecay: Float = 0.001, beta1: Float = 0.9, beta2: Float = 0.999) {
        self.model = model
        optimizer = AdamW(params: model.parameters, decays: model.weightDecayMask, lrScales: model.learningRateScales,
                          beta1: beta1, beta2: beta2, weightDecay: weightDecay)
    }

    /// Forward, backward, global-norm clip, AdamW at learning rate `lr`.
    @discardableResult
    public func step(tokens: [Int], targets: [Int], batch: Int, length: Int, lr: Float,
                     using rng: inout RNG) -> StepStats {
        model.zeroGrad()
        var (loss, stats) = model.loss(tokens: tokens, targets: targets, batch: batch, length: length, using: &rng)
        loss.backward()
        stats.gradNorm = clipGradNorm(model.parameters, maxNorm: model.config.gradClip)
        if stats.loss.isFinite && stats.gradNorm.isFinite { optimizer.update(lr: lr) }
        return stats
    }
}
