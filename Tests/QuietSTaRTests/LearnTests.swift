import XCTest
import Foundation
import TensorCore
import NN
import Transformer
@testable import QuietSTaR

final class LearnTests: XCTestCase {
    /// Directional derivative of the whole surrogate loss (talk + base + policy), with the sampled
    /// thoughts and the advantages held fixed at their first values.
    func testSurrogateLossDirectionalDerivative() {
        for (method, baseline) in [(QuietSTaRConfig.Method.quietSTaR, QuietSTaRConfig.RewardBaseline.mean),
                                   (.quietSTaR, .none), (.pause, .mean)] {
            let m = makeModel(t: 2, r: 2, nTrue: 2, seed: 5)
            var cfg = m.config
            cfg.method = method
            cfg.rewardBaseline = baseline
            cfg.clampNegativeAdvantage = false
            cfg.policyWeight = 0.7
            let model = QuietSTaRModel(gpt: m.gpt, config: cfg, using: &m.rngForTests)
            let last = model.mixingHead.layers.last!
            var r0 = RNG(seed: 8)
            for i in 0..<last.weight.count { last.weight.data[i] = r0.normal() * 0.3 }
            let batch = ReplayedBatch(sampler: model, ignored: [4], using: &r0)
            let f = batch.loss(model)
            for seed in [1, 2] as [UInt64] {
                let (a, n) = GradCheck.directional(model.parameters, eps: 1e-3, seed: seed, f)
                XCTAssertEqual(a, n, accuracy: 2e-3 + 2e-2 * abs(a), "\(method) \(baseline) seed \(seed)")
            }
            // The marker embeddings and the mixing head receive gradients.
            model.zeroGrad()
            f().backward()
            XCTAssertTrue(model.startMarker.grad.contains { $0 != 0 }, "start marker gets no gradient")
            XCTAssertTrue(model.endMarker.grad.contains { $0 != 0 }, "end marker gets no gradient")
            XCTAssertTrue(model.mixingHead.layers[0].weight.grad.contains { $0 != 0 })
            // Entry by entry for the markers, on the talk loss alone (a smaller loss value keeps float32
            // rounding of the central difference small). Markers are stored / 100 and used x 100, so
            // eps 3e-5 stored is 3e-3 where they act.
            var talkOnly = cfg
            talkOnly.policyWeight = 0
            talkOnly.baseLossWeight = 0
            let mt = QuietSTaRModel(gpt: model.gpt, config: talkOnly, using: &m.rngForTests)
            for (a, b) in zip(mt.parameters, model.parameters) { a.data = b.data }
            let ft = batch.loss(mt)
            let rep = GradCheck.check([mt.startMarker, mt.endMarker], eps: 3e-5, rtol: 3e-2, atol: 1e-2, ft)
            XCTAssertTrue(rep.passed, rep.description)
        }
    }

    /// REINFORCE on a 4-armed bandit: the estimator of this module (advantage = reward minus the
    /// mean over r rationales, policy loss -A log pi) recovers the analytic gradient of the expected
    /// reward: same direction, and magnitude (r - 1) / r of it, because the baseline includes the
    /// sample itself. The baseline changes the expected gradient by that scale only, never its direction.
    /// Without a baseline (one rationale, the reward itself as advantage) the magnitude is the full one.
    func testReinforceBanditRecoversAnalyticGradient() {
        let rewards: [Float] = [1.0, 0.2, -0.5, 0.6]
        let theta = Tensor([0.3, -0.2, 0.5, 0.0], shape: [1, 4], requiresGrad: true)
        var rng = RNG(seed: 11)
        let probs = theta.softmax().data
        let expected = zip(probs, rewards).map { $0 * $1 }.reduce(0, +)
        let analytic = (0..<4).map { probs[$0] * (rewards[$0] - expected) }  // d E[R] / d theta
        for (r, baseline) in [(2, QuietSTaRConfig.RewardBaseline.mean), (4, .mean), (1, .none)] {
            let n = 20_000
            theta.zeroGrad()
            var acts: [Int] = [], adv: [Float] = []
            for _ in 0..<n {
                let a = (0..<r).map { _ in probs.withUnsafeBufferPointer { rng.categorical($0) } }
                let mean = baseline == .mean ? a.map { rewards[$0] }.reduce(0, +) / Float(r) : 0
                acts += a
                adv += a.map { rewards[$0] - mean }
            }
            let logits = Tensor.concat(Array(repeating: theta, count: n * r), axis: 0)  // (n r, 4)
            let logPi = -logits.nllPerRow(targets: acts)
            let policy = (logPi * Tensor(adv.map { -$0 / Float(n) }, shape: [n * r])).sum()
            policy.backward()
            let est = theta.grad.map { -$0 / Float(r) }  // ascent direction, per sample
            let scale = baseline == .mean ? Float(r - 1) / Float(r) : 1
            let dot = zip(est, analytic).map { $0 * $1 }.reduce(0, +)
            let cos = dot / (norm(est) * norm(analytic))
            XCTAssertGreaterThan(cos, 0.99, "r \(r) \(baseline): direction")
            XCTAssertEqual(norm(est) / norm(analytic), scale, accuracy: 0.08, "r \(r) \(baseline): magnitude")
        }
    }

    /// The two reward baselines on the same thoughts: `none` leaves each reward as its advantage
    /// (their mean over scored positions is the logged mean reward), `mean` subtracts the mean of
    /// the r rationales of the position; with r = 1 that leaves nothing (advantage 0, no policy loss).
    func testRewardBaselines() {
        let b = 2, l = 5
        var r0 = RNG(seed: 4)
        let x = (0..<(b * l)).map { _ in 3 + r0.int(10) }
        var targets = (0..<(b * l)).map { _ in 3 + r0.int(10) }
        targets[9] = ignoreIndex
        func advantages(r: Int, _ baseline: QuietSTaRConfig.RewardBaseline) -> ([Float], StepStats) {
            let m = makeModel(t: 2, r: r, nTrue: 2, seed: 9)
            var cfg = m.config
            cfg.clampNegativeAdvantage = false
            cfg.rewardBaseline = baseline
            let model = QuietSTaRModel(gpt: m.gpt, config: cfg, using: &m.rngForTests)
            for (a, c) in zip(model.parameters, m.parameters) { a.data = c.data }
            var rng = RNG(seed: 2)
            let ((_, stats), replay) = model.loss(tokens: x, targets: targets, batch: b, length: l, replay: nil,
                                                   using: &rng)
            return (replay.advantage, stats)
        }
        for r in [1, 2] {
            let (none, stats) = advantages(r: r, .none)
            let (mean, statsMean) = advantages(r: r, .mean)
            XCTAssertEqual(stats.rewardMean, statsMean.rewardMean, "r \(r): same thoughts, same rewards")
            let scored = (0..<(b * r * l)).filter { none[$0] != 0 }
            XCTAssertGreaterThan(scored.count, b * r * 2, "r \(r): rewards are not zero")
            XCTAssertEqual(scored.map { none[$0] }.reduce(0, +) / Float(scored.count), stats.rewardMean,
                           accuracy: 1e-5, "r \(r): advantage = reward")
            for bi in 0..<b { for i in 0..<l {
                let rows = (0..<r).map { ($0 * b + bi) * l + i }
                let m = rows.map { none[$0] }.reduce(0, +) / Float(r)
                for idx in rows { XCTAssertEqual(mean[idx], none[idx] - m, accuracy: 1e-6, "r \(r) row \(idx)") }
            } }
            if r == 1 {
                XCTAssertTrue(mean.allSatisfy { $0 == 0 }, "r = 1 with the mean baseline: advantage 0")
                XCTAssertEqual(statsMean.policyLoss, 0)
                XCTAssertNotEqual(stats.policyLoss, 0)
            }
        }
    }

    func norm(_ v: [Float]) -> Float { v.map { $0 * $0 }.reduce(0, +).squareRoot() }

    /// An end marker with its own scale: stored divided by it (so it starts at its token's
    /// embedding), and the talk loss's gradient in the stored end marker matches central
    /// differences (the scale is part of the derivative).
    func testEndMarkerOwnScale() {
        let m = makeModel(t: 2, r: 2, nTrue: 2, seed: 6, endMarkerScale: 10)
        let d = m.gpt.config.width, tok = m.config.endMarkerInitToken
        let row = Array(m.gpt.wte.table.data[(tok * d)..<((tok + 1) * d)])
        for j in 0..<d { XCTAssertEqual(m.endMarker.data[j] * 10, row[j], accuracy: 1e-5 * max(1, abs(row[j]))) }
        let srow = Array(m.gpt.wte.table.data[(m.config.startMarkerInitToken * d)...].prefix(d))
        for j in 0..<d { XCTAssertEqual(m.startMarker.data[j] * m.config.markerScale, srow[j], accuracy: 1e-5 * max(1, abs(srow[j]))) }
        var cfg = m.config
        cfg.policyWeight = 0
        cfg.baseLossWeight = 0
        let mt = QuietSTaRModel(gpt: m.gpt, config: cfg, using: &m.rngForTests)
        for (a, b) in zip(mt.parameters, m.parameters) { a.data = b.data }
        var r0 = RNG(seed: 3)
        let f = ReplayedBatch(sampler: mt, using: &r0).loss(mt)
        mt.zeroGrad()
        f().backward()
        XCTAssertTrue(mt.endMarker.grad.contains { abs($0) > 1e-3 }, "end marker gets no gradient")
        // eps 3e-4 stored is 3e-3 where the end marker acts (x 10).
        let rep = GradCheck.check([mt.endMarker], eps: 3e-4, rtol: 3e-2, atol: 1e-2, f)
        XCTAssertTrue(rep.passed, rep.description)
    }

    func testNoThoughtIsPlainLanguageModelLoss() {
        var m = makeModel(t: 2, seed: 6)
        var cfg = m.config
        cfg.method = .noThought
        m = QuietSTaRModel(gpt: m.gpt, config: cfg, using: &m.rngForTests)
        let x = [3, 4, 5, 6, 7, 8], tg = [4, 5, 6, 7, 8, ignoreIndex]
        var rng = RNG(seed: 1)
        let (loss, stats) = m.loss(tokens: x, targets: tg, batch: 1, length: 6, using: &rng)
        let ref = m.gpt.forward(tokens: x, batch: 1, length: 6).logits.reshaped([6, 13]).crossEntropy(targets: tg)
        XCTAssertEqual(loss.item, ref.item, accuracy: 1e-6)
        XCTAssertEqual(stats.nllBase, ref.item, accuracy: 1e-6)
    }

    /// `mixingHeadLRScale` s: one training step moves every mixing-head parameter s times as far
    /// as the plain step from the same state, and every other parameter exactly as far.
    func testMixingHeadLearningRateScale() {
        func step(_ scale: Float?) -> (before: [[Float]], after: [[Float]], head: Set<Int>) {
            var cfg = makeModel(t: 2, r: 2, nTrue: 2, seed: 7).config
            cfg.mixingHeadLRScale = scale
            let m = makeModel(t: 2, r: 2, nTrue: 2, seed: 7).with(config: cfg)
            let headIDs = Set(m.mixingHead.parameters.map(ObjectIdentifier.init))
            let head = Set(m.parameters.indices.filter { headIDs.contains(ObjectIdentifier(m.parameters[$0])) })
            XCTAssertEqual(m.learningRateScales, m.parameters.indices.map { head.contains($0) ? (scale ?? 1) : 1 })
            let before = m.parameters.map(\.data)
            var rng = RNG(seed: 3)
            let x = (0..<16).map { _ in 3 + rng.int(10) }
            QuietSTaRTrainer(model: m).step(tokens: x, targets: Array(x.dropFirst()) + [ignoreIndex], batch: 2,
                                            length: 8, lr: 1e-3, using: &rng)
            return (before, m.parameters.map(\.data), head)
        }
        let plain = step(nil), fast = step(10)
        XCTAssertEqual(plain.before, fast.before)
        XCTAssertEqual(plain.head.count, 6, "three layers, weight and bias each")
        var headMoved = 0
        for i in plain.before.indices {
            if plain.head.contains(i) {
                for j in plain.before[i].indices {
                    let d1 = plain.after[i][j] - plain.before[i][j], d10 = fast.after[i][j] - fast.before[i][j]
                    // Each delta is read through a float parameter, to within half an ulp of it (10 x that
                    // for 10 * d1), and lr * 10 * update rounds differently from 10 * (lr * update).
                    let ulp = plain.before[i][j].ulp
                    XCTAssertEqual(d10, 10 * d1, accuracy: 1e-6 * abs(10 * d1) + 11 * ulp, "head parameter \(i)[\(j)]")
                    if d1 != 0 { headMoved += 1 }
                }
            } else {
                XCTAssertEqual(fast.after[i].map(\.bitPattern), plain.after[i].map(\.bitPattern), "parameter \(i) is not the head's")
            }
        }
        XCTAssertGreaterThan(headMoved, 0)
    }

    /// `mixingHeadTraining` firstTalkStep: the loss is the same number, and the mixing head's
    /// gradient is that of the first talk step's NLL alone: the n_true = 1 twin's (whose gradient
    /// is checked against central differences here) times the ratio of the talk losses'
    /// normalisers (scored tokens of step 0 / of all steps). With every step training the head it differs.
    func testMixingHeadTrainedByTheFirstTalkStepAlone() {
        let m = makeModel(t: 2, r: 2, nTrue: 3, seed: 6)
        func model(nTrue: Int, _ training: QuietSTaRConfig.MixingHeadTraining?) -> QuietSTaRModel {
            var cfg = m.config
            cfg.nTrue = nTrue
            cfg.policyWeight = 0
            cfg.mixingHeadTraining = training
            return m.with(config: cfg)
        }
        let first = model(nTrue: 3, .firstTalkStep), all = model(nTrue: 3, nil), twin = model(nTrue: 1, nil)
        var r0 = RNG(seed: 4)
        let batch = ReplayedBatch(sampler: first, ignored: [3], using: &r0)
        let b = batch.b, l = batch.l, targets = batch.targets
        func headGrad(_ model: QuietSTaRModel) -> (loss: Float, grad: [Float]) {
            model.zeroGrad()
            let loss = batch.loss(model)()
            loss.backward()
            return (loss.item, model.mixingHead.parameters.flatMap(\.grad))
        }
        let (lossFirst, gFirst) = headGrad(first), (lossAll, gAll) = headGrad(all), (_, gTwin) = headGrad(twin)
        XCTAssertEqual(lossFirst.bitPattern, lossAll.bitPattern, "the forward pass is unchanged")
        // Scored (row, i, k): i + k < L and targets[i + k] scored, for each of the r = 2 copies.
        var counts: [Float] = []
        for k in 0..<3 {
            var c: Float = 0
            for row in 0..<b { for i in 0..<l where i + k < l && targets[row * l + i + k] != ignoreIndex { c += 1 } }
            counts.append(2 * c)
        }
        let ratio = counts[0] / counts.reduce(0, +)
        XCTAssertEqual(gFirst.count, gTwin.count)
        XCTAssertTrue(gTwin.contains { abs($0) > 1e-4 }, "the head gets a gradient")
        // Measured: at most 2.4e-7 apart, with entries up to 1.8 (float rounding of the scaled sums).
        for (a, t) in zip(gFirst, gTwin) { XCTAssertEqual(a, ratio * t, accuracy: 1e-6 + 1e-5 * abs(a)) }
        XCTAssertTrue(zip(gAll, gTwin).contains { abs($0 - ratio * $1) > 1e-3 }, "with every step training the head it differs")
        // eps 3e-4: at 1e-3 the step crosses ReLU kinks of the head (2 entries of 100), at 1e-4
        // float32 rounding of the loss dominates the central difference.
        let rep = GradCheck.check(twin.mixingHead.parameters, eps: 3e-4, rtol: 3e-2, atol: 1e-3, batch.loss(twin))
        XCTAssertTrue(rep.passed, rep.description)
    }

    func testTrainingStepIsDeterministic() {
        func run() -> [Float] {
            let m = makeModel(t: 2, r: 2, nTrue: 2, seed: 7)
            let tr = QuietSTaRTrainer(model: m)
            var rng = RNG(seed: 3)
            var out: [Float] = []
            for _ in 0..<3 {
                let x = (0..<16).map { _ in 3 + rng.int(10) }
                let tg = Array(x.dropFirst()) + [ignoreIndex]
                out.append(tr.step(tokens: x, targets: tg, batch: 2, length: 8, lr: 1e-3, using: &rng).loss)
            }
            return out
        }
        XCTAssertEqual(run().map(\.bitPattern), run().map(\.bitPattern))
    }
}

/// A random batch of B = 2 rows of L = 5 tokens (3 ... 12; the `ignored` targets set to ignoreIndex),
/// the thoughts and advantages `sampler` draws on it (RNG seed 1), and any model's loss on that
/// batch with them replayed, so that a loss is a deterministic function of the parameters.
struct ReplayedBatch {
    let b = 2, l = 5
    let tokens: [Int], targets: [Int]
    let replay: QuietSTaRModel.Replay

    init(sampler: QuietSTaRModel, ignored: [Int] = [], using r0: inout RNG) {
        let n = b * l
        tokens = (0..<n).map { _ in 3 + r0.int(10) }
        var t = (0..<n).map { _ in 3 + r0.int(10) }
        for i in ignored { t[i] = ignoreIndex }
        targets = t
        var rng = RNG(seed: 1)
        replay = sampler.loss(tokens: tokens, targets: targets, batch: b, length: l, replay: nil, using: &rng).1
    }

    /// `model`'s total loss on the batch with the sampled thoughts and advantages replayed.
    func loss(_ model: QuietSTaRModel) -> () -> Tensor {
        { var r = RNG(seed: 1); return model.loss(tokens: tokens, targets: targets, batch: b, length: l, replay: replay, using: &r).0.loss }
    }
}

extension QuietSTaRModel {
    /// A throwaway generator for rebuilding models in tests.
    var rngForTests: RNG { get { RNG(seed: 42) } set {} }
}
