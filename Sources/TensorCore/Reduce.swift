// Sums and means, over all elements or along one axis.

extension Tensor {
    /// y = sum_i x_i (a scalar).  dx_i += dy.
    public func sum() -> Tensor {
        var s: Float = 0
        data.withUnsafeBufferPointer { for v in $0 { s += v } }
        let x = self
        return Tensor([s], shape: [], parents: [x]) { out in
            let g = out.grad[0]
            x.withGrad { gx in for i in 0..<gx.count { gx[i] += g } }
        }
    }

    /// y = mean_i x_i.
    public func mean() -> Tensor { sum() * (1 / Float(count)) }

    /// Splits the shape around `axis` into (outer, n, inner).
    func axisSplit(_ axis: Int) -> (outer: Int, n: Int, inner: Int) {
        precondition(axis >= 0 && axis < rank, "axis \(axis) out of range for shape \(shape)")
        let outer = shape[..<axis].reduce(1, *)
        let inner = shape[(axis + 1)...].reduce(1, *)
        return (outer, shape[axis], inner)
    }

    /// y[o, j] = sum_a x[o, a, j] (the axis is removed).  dx[o, a, j] += dy[o, j].
    public func sum(axis: Int) -> Tensor {
        let (outer, n, inner) = axisSplit(axis)
        var y = [Float](repeating: 0, count: outer * inner)
        data.withUnsafeBufferPointer { xx in
            y.withUnsafeMutableBufferPointer { yy in
                for o in 0..<outer { for a in 0..<n {
                    let xb = (o * n + a) * inner, yb = o * inner
                    for j in 0..<inner { yy[yb + j] += xx[xb + j] }
                } }
            }
        }
        var outShape = shape; outShape.remove(at: axis)
        let x = self
        return Tensor(y, shape: outShape, parents: [x]) { out in
            x.withGrad { gx in
                out.grad.withUnsafeBufferPointer { g in
                    for o in 0..<outer { for a in 0..<n {
                        let xb = (o * n + a) * inner, yb = o * inner
                        for j in 0..<inner { gx[xb + j] += g[yb + j] }
                    } }
                }
            }
        }
    }

    /// y = mean over `axis` (the axis is removed).
    public func mean(axis: Int) -> Tensor { sum(axis: axis) * (1 / Float(shape[axis])) }
}
