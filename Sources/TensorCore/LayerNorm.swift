import Foundation

extension Tensor {
    /// Layer norm over the last axis (width C):
    ///   mu = mean(x), rstd = 1 / sqrt(var(x) + eps), xhat = (x - mu) rstd, y = xhat * gamma + beta.
    /// Pullback (per row, dxhat = dy * gamma):
    ///   dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)),
    ///   dgamma += sum_rows dy * xhat,  dbeta += sum_rows dy.
    public func layerNorm(gamma: Tensor, beta: Tensor, eps: Float = 1e-5) -> Tensor {
        let c = shape.last!, rows = count / c
        precondition(gamma.count == c && beta.count == c, "layerNorm: gamma/beta must have \(c) values")
        var y = [Float](repeating: 0, count: count)
        var xhat = [Float](repeating: 0, count: count)
        var rstd = [Float](repeating: 0, count: rows)
        data.withUnsafeBufferPointer { xx in gamma.data.withUnsafeBufferPointer { gg in beta.data.withUnsafeBufferPointer { bb in
            y.withUnsafeMutableBufferPointer { yy in xhat.withUnsafeMutableBufferPointer { hh in
                for r in 0..<rows {
                    let o = r * c
                    var mu: Float = 0
                    for j in 0..<c { mu += xx[o + j] }
                    mu /= Float(c)
                    var v: Float = 0
                    for j in 0..<c { let d = xx[o + j] - mu; v += d * d }
                    let rs = 1 / (v / Float(c) + eps).squareRoot()
                    rstd[r] = rs
                    for j in 0..<c {
                        let h = (xx[o + j] - mu) * rs
                        hh[o + j] = h
                        yy[o + j] = h * gg[j] + bb[j]
                    }
                }
            } }
        } } }
        let x = self
        return Tensor(y, shape: shape, parents: [x, gamma, beta]) { out in
            out.grad.withUnsafeBufferPointer { g in xhat.withUnsafeBufferPointer { hh in
                if x.requiresGrad {
                    x.withGrad { gx in gamma.data.withUnsafeBufferPointer { gg in
                        for r in 0..<rows {
                            let o = r * c
                            var m1: Float = 0, m2: Float = 0
                            for j in 0..<c { let d = g[o + j] * gg[j]; m1 += d; m2 += d * hh[o + j] }
                            m1 /= Float(c); m2 /= Float(c)
                            let rs = rstd[r]
                            for j in 0..<c { gx[o + j] += rs * (g[o + j] * gg[j] - m1 - hh[o + j] * m2) }
                        }
                    } }
                }
                if gamma.requiresGrad {
                    gamma.withGrad { dg in for r in 0..<rows { let o = r * c; for j in 0..<c { dg[j] += g[o + j] * hh[o + j] } } }
                }
                if beta.requiresGrad {
                    beta.withGrad { db in for r in 0..<rows { let o = r * c; for j in 0..<c { db[j] += g[o + j] } } }
                }
            } }
        }
    }
}
