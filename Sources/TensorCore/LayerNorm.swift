import Foundation

extension Tensor {
    /// Layer norm over the last axis (width C):
    ///   mu = mean(x), rstd = 1 / sqrt(var(x) + eps), xhat = (x - mu) rstd, y = xhat * gamma + beta.
    /// Pullback (per row, dxhat = dy * gamma):
    ///   dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)),
    ///   dgamma += sum_rows dy * xhat,  dbeta += sum_rows dy.
    /// Rows are independent and split over the cores; the parameter gradients sum rows in order.
    public func layerNorm(gamma: Tensor, beta: Tensor, eps: Float = 1e-5) -> Tensor {
        let c = shape.last!, rows = count / c
        precondition(gamma.count == c && beta.count == c, "layerNorm: gamma/beta must have \(c) values")
        var y = [Float](unsafeUninitializedCapacity: count) { _, n in n = rows * c }
        var xhat = [Float](unsafeUninitializedCapacity: count) { _, n in n = rows * c }
        var rstd = [Float](repeating: 0, count: rows)
        let invC = 1 / Float(c)
        data.withUnsafeBufferPointer { xx in gamma.data.withUnsafeBufferPointer { gg in beta.data.withUnsafeBufferPointer { bb in
        y.withUnsafeMutableBufferPointer { yy in xhat.withUnsafeMutableBufferPointer { hh in rstd.withUnsafeMutableBufferPointer { rr in
            let xp = xx.baseAddress!, gp = gg.baseAddress!, bp = bb.baseAddress!
            let yp = yy.baseAddress!, hp = hh.baseAddress!, rp = rr.baseAddress!
            Parallel.forEach(rows, workers: rows * c >= 32_768 ? Parallel.width : 1) { range in
                for r in range {
                    let x = xp + r * c, h = hp + r * c, yr = yp + r * c
                    let mu = sumOf(x, c) * invC
                    for j in 0..<c { h[j] = x[j] - mu }
                    let v = dot(h, h, c)
                    let rs = 1 / (v * invC + eps).squareRoot()
                    rp[r] = rs
                    for j in 0..<c {
                        let hv = h[j] * rs
                        h[j] = hv
                        yr[j] = hv * gp[j] + bp[j]
                    }
                }
            }
        } } } } } }
        let x = self
        return Tensor(y, shape: shape, parents: [x, gamma, beta]) { out in
            out.grad.withUnsafeBufferPointer { g in xhat.withUnsafeBufferPointer { hh in rstd.withUnsafeBufferPointer { rr in
                let gp = g.baseAddress!, hp = hh.baseAddress!, rp = rr.baseAddress!
                if x.requiresGrad {
                    x.withGradFresh { gx, fresh in gamma.data.withUnsafeBufferPointer { gg in
                        let gxp = gx.baseAddress!, gam = gg.baseAddress!
                        Parallel.forEach(rows, workers: rows * c >= 32_768 ? Parallel.width : 1) { range in
                            // dxhat for one row, then the two row means.
                            var dxh = [Float](repeating: 0, count: c)
                            dxh.withUnsafeMutableBufferPointer { db in
                                let d = db.baseAddress!
                                for r in range {
                                    let gr = gp + r * c, h = hp + r * c, out = gxp + r * c
                                    for j in 0..<c { d[j] = gr[j] * gam[j] }
                                    let m1 = sumOf(d, c) * invC, m2 = dot(d, h, c) * invC
                                    let rs = rp[r]
                                    if fresh {
                                        for j in 0..<c { out[j] = rs * (d[j] - m1 - h[j] * m2) }
                                    } else {
                                        for j in 0..<c { out[j] += rs * (d[j] - m1 - h[j] * m2) }
                                    }
                                }
                            }
                        }
                    } }
                }
                // Parameter gradients: columns split over the workers, rows summed in order per column.
                if gamma.requiresGrad || beta.requiresGrad {
                    Tensor.withGradPointers([gamma, beta]) { dst in
                        let dgp = dst[0], dbp = dst[1]
                        Parallel.forEach((c + 7) / 8, workers: rows * c >= 32_768 ? Parallel.width : 1) { gr in
                            let lo = gr.lowerBound * 8, hi = min(c, gr.upperBound * 8)
                            if gamma.requiresGrad {
                                for r in 0..<rows { let o = r * c; for j in lo..<hi { dgp[j] += gp[o + j] * hp[o + j] } }
                            }
                            if beta.requiresGrad {
                                for r in 0..<rows { let o = r * c; for j in lo..<hi { dbp[j] += gp[o + j] } }
                            }
                        }
                    }
                }
            } } }
        }
    }
}

/// sum_j a[j], eight lanes at a time (a fixed order).
@inline(__always)
func sumOf(_ a: UnsafePointer<Float>, _ n: Int) -> Float {
    var acc = SIMD8<Float>(repeating: 0)
    var j = 0
    while j + 8 <= n { acc += UnsafeRawPointer(a + j).loadUnaligned(as: SIMD8<Float>.self); j += 8 }
    var s = acc.sum()
    while j < n { s += a[j]; j += 1 }
    return s
}
