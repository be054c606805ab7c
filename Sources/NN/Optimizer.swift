import Foundation
import TensorCore

/// Learning rate: linear warmup from 0 to `peak` over `warmup` steps, then cosine decay to
/// `peak * finalFraction` at `total` steps (constant after). `decay: .none` keeps `peak`.
public struct LRSchedule: Codable, Equatable, Sendable {
    public enum Decay: String, Codable, Sendable { case cosine, linear, none }
    public var peak: Float
    public var warmup: Int
    public var total: Int
    public var decay: Decay
    public var finalFraction: Float
    public init(peak: Float, warmup: Int, total: Int, decay: Decay = .cosine, finalFraction: Float = 0.1) {
        self.peak = peak; self.warmup = warmup; self.total = total; self.decay = decay; self.finalFraction = finalFraction
    }
    /// Learning rate at optimizer step `step` (0-based).
    public func rate(at step: Int) -> Float {
        if warmup > 0 && step < warmup { return peak * Float(step + 1) / Float(warmup) }
        guard decay != .none, total > warmup else { return peak }
        let p = min(1, Float(step - warmup) / Float(total - warmup))
        let f: Float = decay == .cosine ? 0.5 * (1 + Foundation.cos(Float.pi * p)) : 1 - p
        return peak * (finalFraction + (1 - finalFraction) * f)
    }
}

/// Scales all gradients so their global L2 norm is at most `maxNorm`. Returns the norm before clipping.
@discardableResult
public func clipGradNorm(_ params: [Tensor], maxNorm: Float) -> Float {
    var sq: Double = 0
    for p in params where !p.grad.isEmpty { for g in p.grad { sq += Double(g) * Double(g) } }
    let norm = Float(sq.squareRoot())
    if norm > maxNorm && norm > 0 {
        let s = maxNorm / norm
        for p in params where !p.grad.isEmpty {
            p.grad.withUnsafeMutableBufferPointer { g in for i in 0..<g.count { g[i] *= s } }
        }
    }
    return norm
}

/// AdamW (decoupled weight decay, Loshchilov & Hutter):
///   m = b1 m + (1 - b1) g,  v = b2 v + (1 - b2) g^2,
///   p -= lr * ( m / (1 - b1^t) / (sqrt(v / (1 - b2^t)) + eps) + wd * p ).
/// Parameters whose weight-decay flag is false (biases, norms, embeddings by choice) skip the wd term.
/// A parameter's learning-rate scale s (default 1) makes its step lr * s in both terms.
public final class AdamW {
    public let params: [Tensor]
    public let decays: [Bool]
    /// Learning-rate multiplier per parameter (1: the plain rate).
    public let lrScales: [Float]
    public var beta1: Float, beta2: Float, eps: Float, weightDecay: Float
    public private(set) var step = 0
    var m: [[Float]], v: [[Float]]

    public init(params: [Tensor], decays: [Bool]? = nil, lrScales: [Float]? = nil, beta1: Float = 0.9,
                beta2: Float = 0.999, eps: Float = 1e-8, weightDecay: Float = 0.01) {
        precondition(lrScales.map { $0.count == params.count } ?? true, "one learning-rate scale per parameter")
        self.params = params
        self.decays = decays ?? params.map { $0.rank >= 2 }
        self.lrScales = lrScales ?? params.map { _ in 1 }
        self.beta1 = beta1; self.beta2 = beta2; self.eps = eps; self.weightDecay = weightDecay
        m = params.map { [Float](repeating: 0, count: $0.count) }
        v = params.map { [Float](repeating: 0, count: $0.count) }
    }

    /// One update with learning rate `lr`; parameters without a gradient are left alone (their
    /// moments do not move either).
    public func update(lr: Float) {
        step += 1
        let bc1 = 1 - Foundation.pow(beta1, Float(step)), bc2 = 1 - Foundation.pow(beta2, Float(step))
        let b1 = beta1, b2 = beta2, e = eps
        for (i, p) in params.enumerated() where !p.grad.isEmpty {
            let wd = decays[i] ? weightDecay : 0
            let rate = lr * lrScales[i]  // lr exactly when the scale is 1
            p.data.withUnsafeMutableBufferPointer { pp in p.grad.withUnsafeBufferPointer { gg in
            m[i].withUnsafeMutableBufferPointer { mm in v[i].withUnsafeMutableBufferPointer { vv in
                for j in 0..<pp.count {
                    let g = gg[j]
                    mm[j] = b1 * mm[j] + (1 - b1) * g
                    vv[j] = b2 * vv[j] + (1 - b2) * g * g
                    let upd = (mm[j] / bc1) / ((vv[j] / bc2).squareRoot() + e)
                    pp[j] -= rate * (upd + wd * pp[j])
                }
            } } } }
        }
    }

    /// Optimizer state for checkpoints: step and moments, in parameter order.
    public var state: (step: Int, m: [[Float]], v: [[Float]]) { (step, m, v) }
    public func restore(step: Int, m: [[Float]], v: [[Float]]) {
        precondition(m.count == params.count && v.count == params.count, "optimizer state does not match parameters")
        self.step = step; self.m = m; self.v = v
    }
}
