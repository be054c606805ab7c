import Foundation

// Fused softmax and log-softmax over the last axis (numerically stable: shift by the row max).

extension Tensor {
    /// y = exp(x - max) / sum exp(x - max), per row of the last axis.
    /// dx = y * (dy - sum_j dy_j y_j).
    public func softmax() -> Tensor {
        let v = shape.last!, rows = count / v
        var y = [Float](repeating: 0, count: count)
        data.withUnsafeBufferPointer { xx in y.withUnsafeMutableBufferPointer { yy in
            for r in 0..<rows {
                let xp = xx.baseAddress! + r * v, yp = yy.baseAddress! + r * v
                var m = -Float.infinity
                for j in 0..<v { m = max(m, xp[j]) }
                let s = FastMath.expShiftSum(xp, yp, v, shift: m)
                let inv = 1 / s
                for j in 0..<v { yp[j] *= inv }
            }
        } }
        let x = self
        return Tensor(y, shape: shape, parents: [x]) { out in
            x.withGrad { gx in out.grad.withUnsafeBufferPointer { g in out.data.withUnsafeBufferPointer { yy in
                for r in 0..<rows {
                    let b = r * v
                    var dot: Float = 0
                    for j in 0..<v { dot += g[b + j] * yy[b + j] }
                    for j in 0..<v { gx[b + j] += yy[b + j] * (g[b + j] - dot) }
                }
            } } }
        }
    }

    /// y = x - log sum exp(x), per row of the last axis.
    /// dx = dy - softmax(x) * sum_j dy_j.
    public func logSoftmax() -> Tensor {
        let v = shape.last!, rows = count / v
        var y = [Float](repeating: 0, count: count)
        data.withUnsafeBufferPointer { xx in y.withUnsafeMutableBufferPointer { yy in
            for r in 0..<rows {
                let xp = xx.baseAddress! + r * v, yp = yy.baseAddress! + r * v
                var m = -Float.infinity
                for j in 0..<v { m = max(m, xp[j]) }
                let lse = m + Foundation.log(FastMath.expShiftSum(xp, yp, v, shift: m))
                for j in 0..<v { yp[j] = xp[j] - lse }
            }
        } }
        let x = self
        return Tensor(y, shape: shape, parents: [x]) { out in
            x.withGrad { gx in out.grad.withUnsafeBufferPointer { g in out.data.withUnsafeBufferPointer { yy in
                for r in 0..<rows {
                    let b = r * v
                    var s: Float = 0
                    for j in 0..<v { s += g[b + j] }
                    for j in 0..<v { gx[b + j] += g[b + j] - Foundation.exp(yy[b + j]) * s }
                }
            } } }
        }
    }
}
