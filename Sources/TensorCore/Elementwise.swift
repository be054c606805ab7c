import Foundation

// Elementwise ops. Binary ops broadcast the right operand when its shape is a suffix of the left
// one's (a bias (C) over (B, T, C)) or when it has one element; the pullback then sums over the
// repeated leading dimensions.

/// How `b` is repeated over `a`: `a.count == repeats * b.count`.
@inline(__always)
private func broadcastRepeats(_ a: Tensor, _ b: Tensor, _ op: String) -> Int {
    if b.count == a.count && a.shape == b.shape { return 1 }
    if b.count == 1 { return a.count }
    precondition(b.rank <= a.rank && Array(a.shape.suffix(b.rank)) == b.shape,
                 "\(op): shape \(b.shape) does not broadcast over \(a.shape)")
    return a.count / b.count
}

/// Sums `g` (a.count values) over the leading repeats into b's gradient.
@inline(__always)
private func accumulateBroadcast(_ b: Tensor, _ g: UnsafeBufferPointer<Float>, repeats: Int, scale: Float = 1,
                                 times other: UnsafeBufferPointer<Float>? = nil) {
    let n = b.count
    b.withGrad { gb in
        let d = gb.baseAddress!, gp = g.baseAddress!
        if let o = other {
            let op = o.baseAddress!
            for r in 0..<repeats {
                let base = r * n
                for j in 0..<n { d[j] += scale * gp[base + j] * op[base + j] }
            }
        } else if scale == 1 {
            addRows(gp, rows: repeats, width: n, into: d)
        } else {
            for r in 0..<repeats {
                let base = r * n
                for j in 0..<n { d[j] += scale * gp[base + j] }
            }
        }
    }
}

extension Tensor {
    /// y = a + b
    public static func + (a: Tensor, b: Tensor) -> Tensor {
        let reps = broadcastRepeats(a, b, "add")
        let n = b.count
        let y = uninitializedFloats(a.count) { yp in
            a.data.withUnsafeBufferPointer { aa in b.data.withUnsafeBufferPointer { bb in
                let ap = aa.baseAddress!, bp = bb.baseAddress!
                if reps == 1 {
                    Parallel.chunks(n) { r in for i in r { yp[i] = ap[i] + bp[i] } }
                } else {
                    Parallel.forEach(reps, workers: Parallel.workers(units: reps, unitSize: n)) { rr in
                        for r in rr {
                            let base = r * n
                            for j in 0..<n { yp[base + j] = ap[base + j] + bp[j] }
                        }
                    }
                }
            } }
        }
        return Tensor(y, shape: a.shape, parents: [a, b]) { out in
            // da = dy ; db = sum over repeats of dy
            if a.requiresGrad { a.accumulate(out.grad) }
            if b.requiresGrad { out.grad.withUnsafeBufferPointer { g in accumulateBroadcast(b, g, repeats: reps) } }
        }
    }

    /// y = a - b
    public static func - (a: Tensor, b: Tensor) -> Tensor { a + (-b) }

    /// y = -a
    public static prefix func - (a: Tensor) -> Tensor { a * Float(-1) }

    /// y = a * b (elementwise)
    public static func * (a: Tensor, b: Tensor) -> Tensor {
        let reps = broadcastRepeats(a, b, "mul")
        let n = b.count
        var y = a.data
        b.data.withUnsafeBufferPointer { bb in
            y.withUnsafeMutableBufferPointer { yy in
                for r in 0..<reps { let base = r * n; for j in 0..<n { yy[base + j] *= bb[j] } }
            }
        }
        return Tensor(y, shape: a.shape, parents: [a, b]) { out in
            // da = dy * b ; db = sum over repeats of dy * a
            out.grad.withUnsafeBufferPointer { g in
                if a.requiresGrad {
                    a.withGrad { ga in
                        b.data.withUnsafeBufferPointer { bb in
                            for r in 0..<reps { let base = r * n; for j in 0..<n { ga[base + j] += g[base + j] * bb[j] } }
                        }
                    }
                }
                if b.requiresGrad {
                    a.data.withUnsafeBufferPointer { aa in accumulateBroadcast(b, g, repeats: reps, times: aa) }
                }
            }
        }
    }

    /// y = s * a
    public static func * (a: Tensor, s: Float) -> Tensor {
        let y = uninitializedFloats(a.count) { yp in
            a.data.withUnsafeBufferPointer { aa in
                let ap = aa.baseAddress!
                Parallel.chunks(aa.count) { r in for i in r { yp[i] = ap[i] * s } }
            }
        }
        return Tensor(y, shape: a.shape, parents: [a]) { out in
            // da = s * dy
            a.withGrad { ga in out.grad.withUnsafeBufferPointer { g in
                let gap = ga.baseAddress!, gp = g.baseAddress!
                Parallel.chunks(g.count) { r in for i in r { gap[i] += s * gp[i] } }
            } }
        }
    }

    public static func * (s: Float, a: Tensor) -> Tensor { a * s }

    /// y = a + s
    public static func + (a: Tensor, s: Float) -> Tensor {
        let y = a.data.map { $0 + s }
        return Tensor(y, shape: a.shape, parents: [a]) { out in
            out.grad.withUnsafeBufferPointer { a.accumulate($0) }
        }
    }

    /// Identity forward; the gradient is multiplied by `s` on the way back
    /// (a per-parameter learning-rate multiplier, e.g. the thought markers' 100x).
    public func scaleGradient(_ s: Float) -> Tensor {
        Tensor(data, shape: shape, parents: [self]) { out in
            self.withGrad { ga in out.grad.withUnsafeBufferPointer { g in for i in 0..<g.count { ga[i] += s * g[i] } } }
        }
    }

    /// Shared shape of a unary op: y = f(x), dx += dy * f'(x, y).
    @inline(__always)
    func unary(_ f: (Float) -> Float, _ df: @escaping (Float, Float) -> Float) -> Tensor {
        let y = uninitializedFloats(count) { yp in
            data.withUnsafeBufferPointer { xx in
                let xp = xx.baseAddress!
                Parallel.chunks(xx.count) { r in for i in r { yp[i] = f(xp[i]) } }
            }
        }
        let x = self
        return Tensor(y, shape: shape, parents: [x]) { out in
            x.withGrad { gx in
                out.grad.withUnsafeBufferPointer { g in
                    x.data.withUnsafeBufferPointer { xx in
                        out.data.withUnsafeBufferPointer { yy in
                            let gxp = gx.baseAddress!, gp = g.baseAddress!, xp = xx.baseAddress!, yp = yy.baseAddress!
                            Parallel.chunks(g.count) { r in for i in r { gxp[i] += gp[i] * df(xp[i], yp[i]) } }
                        }
                    }
                }
            }
        }
    }

    /// y = exp(x);  dy/dx = y
    public func exp() -> Tensor { unary({ Foundation.exp($0) }, { _, y in y }) }
    /// y = log(x);  dy/dx = 1/x
    public func log() -> Tensor { unary({ Foundation.log($0) }, { x, _ in 1 / x }) }
    /// y = tanh(x); dy/dx = 1 - y^2
    public func tanh() -> Tensor { unary({ Foundation.tanh($0) }, { _, y in 1 - y * y }) }
    /// y = max(x, 0); dy/dx = [x > 0]
    public func relu() -> Tensor { unary({ max($0, 0) }, { x, _ in x > 0 ? 1 : 0 }) }
    /// y = 1 / (1 + exp(-x)); dy/dx = y (1 - y)
    public func sigmoid() -> Tensor { unary({ 1 / (1 + Foundation.exp(-$0)) }, { _, y in y * (1 - y) }) }
    /// y = x^2; dy/dx = 2x
    public func square() -> Tensor { unary({ $0 * $0 }, { x, _ in 2 * x }) }

    /// GELU, tanh form (GPT-2): y = 0.5 x (1 + tanh(u)), u = sqrt(2/pi) (x + 0.044715 x^3).
    /// dy/dx = 0.5 (1 + tanh u) + 0.5 x (1 - tanh^2 u) sqrt(2/pi) (1 + 3 * 0.044715 x^2).
    public func gelu() -> Tensor {
        let n = count
        var y = [Float](unsafeUninitializedCapacity: n) { _, c in c = n }
        var th = [Float](unsafeUninitializedCapacity: n) { _, c in c = n }  // tanh(u), kept for the pullback
        let workers = n >= 65_536 ? Parallel.width : 1
        data.withUnsafeBufferPointer { xx in
            y.withUnsafeMutableBufferPointer { yy in
                th.withUnsafeMutableBufferPointer { tt in
                    // Chunks of whole 8-lane groups: each entry is computed the same way whatever the split.
                    Parallel.forEach((n + 7) / 8, workers: workers) { r in
                        let lo = r.lowerBound * 8, hi = min(n, r.upperBound * 8)
                        FastMath.geluForward(UnsafeBufferPointer(rebasing: xx[lo..<hi]),
                                             UnsafeMutableBufferPointer(rebasing: yy[lo..<hi]),
                                             UnsafeMutableBufferPointer(rebasing: tt[lo..<hi]))
                    }
                }
            }
        }
        let x = self
        return Tensor(y, shape: shape, parents: [x]) { out in
            x.withGradFresh { gx, fresh in
                out.grad.withUnsafeBufferPointer { g in
                    x.data.withUnsafeBufferPointer { xx in
                        th.withUnsafeBufferPointer { tt in
                            Parallel.forEach((n + 7) / 8, workers: workers) { r in
                                let lo = r.lowerBound * 8, hi = min(n, r.upperBound * 8)
                                FastMath.geluBackward(UnsafeBufferPointer(rebasing: xx[lo..<hi]),
                                                      UnsafeBufferPointer(rebasing: tt[lo..<hi]),
                                                      UnsafeBufferPointer(rebasing: g[lo..<hi]),
                                                      UnsafeMutableBufferPointer(rebasing: gx[lo..<hi]), fresh: fresh)
                            }
                        }
                    }
                }
            }
        }
    }
}
