// Ops that scale or read whole rows of the last axis.

extension Tensor {
    /// y[r, c] = x[r, c] * w[r]: scales each row of the last axis by one value.
    /// x is (..., C); w has x.count / C values (any shape, e.g. (..., 1)).  Output: x's shape.
    /// Pullback: dx[r, c] += dy[r, c] w[r];  dw[r] += sum_c dy[r, c] x[r, c].
    public func scaledRows(by w: Tensor) -> Tensor {
        let x = self
        let c = x.shape.last!, rows = x.count / c
        precondition(w.count == rows, "scaledRows: \(w.count) scales for \(rows) rows of \(x.shape)")
        var y = [Float](repeating: 0, count: x.count)
        x.data.withUnsafeBufferPointer { xx in w.data.withUnsafeBufferPointer { ww in y.withUnsafeMutableBufferPointer { yy in
            for r in 0..<rows { let s = ww[r], o = r * c; for j in 0..<c { yy[o + j] = xx[o + j] * s } }
        } } }
        return Tensor(y, shape: x.shape, parents: [x, w]) { out in
            out.grad.withUnsafeBufferPointer { g in
                if x.requiresGrad {
                    x.withGrad { gx in w.data.withUnsafeBufferPointer { ww in
                        for r in 0..<rows { let s = ww[r], o = r * c; for j in 0..<c { gx[o + j] += g[o + j] * s } }
                    } }
                }
                if w.requiresGrad {
                    w.withGrad { gw in x.data.withUnsafeBufferPointer { xx in
                        for r in 0..<rows {
                            let o = r * c
                            var s: Float = 0
                            for j in 0..<c { s += g[o + j] * xx[o + j] }
                            gw[r] += s
                        }
                    } }
                }
            }
        }
    }
}
