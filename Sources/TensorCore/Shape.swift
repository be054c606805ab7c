// Shape ops: reshape, permute/transpose, slice, concat, gather (row lookup).

extension Tensor {
    /// Same values, new shape (row-major order kept).  dx = dy reshaped back.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var s = newShape
        if let i = s.firstIndex(of: -1) {
            s[i] = count / s.enumerated().filter { $0.offset != i }.map(\.element).reduce(1, *)
        }
        precondition(s.reduce(1, *) == count, "reshape \(shape) -> \(newShape)")
        let x = self
        return Tensor(data, shape: s, parents: [x]) { out in x.accumulate(out.grad) }
    }

    /// y[idx permuted] = x[idx]: output dimension d is input dimension perm[d].
    public func permuted(_ perm: [Int]) -> Tensor {
        precondition(perm.sorted() == Array(0..<rank), "permutation \(perm) for rank \(rank)")
        let outShape = perm.map { shape[$0] }
        var inStrides = [Int](repeating: 1, count: rank)
        for d in stride(from: rank - 2, through: 0, by: -1) { inStrides[d] = inStrides[d + 1] * shape[d + 1] }
        let strideForOut = perm.map { inStrides[$0] }  // input stride of each output dim
        // Map output flat index -> input flat index.
        var map = [Int](repeating: 0, count: count)
        var idx = [Int](repeating: 0, count: rank)
        var src = 0
        for o in 0..<count {
            map[o] = src
            var d = rank - 1
            while d >= 0 {
                idx[d] += 1; src += strideForOut[d]
                if idx[d] < outShape[d] { break }
                src -= strideForOut[d] * outShape[d]; idx[d] = 0; d -= 1
            }
        }
        var y = [Float](repeating: 0, count: count)
        data.withUnsafeBufferPointer { xx in for o in 0..<y.count { y[o] = xx[map[o]] } }
        let x = self
        return Tensor(y, shape: outShape, parents: [x]) { out in
            x.withGrad { gx in out.grad.withUnsafeBufferPointer { g in for o in 0..<g.count { gx[map[o]] += g[o] } } }
        }
    }

    /// Swaps the last two dimensions.
    public func transposed() -> Tensor {
        var p = Array(0..<rank); p.swapAt(rank - 1, rank - 2)
        return permuted(p)
    }

    /// y = x[..., range, ...] along `axis`.  dx[..., range, ...] += dy.
    public func slice(axis: Int, _ range: Range<Int>) -> Tensor {
        let (outer, n, inner) = axisSplit(axis)
        precondition(range.lowerBound >= 0 && range.upperBound <= n, "slice \(range) of axis \(axis) size \(n)")
        let m = range.count
        let workers = Parallel.workers(units: outer, unitSize: m * inner)
        let y = uninitializedFloats(outer * m * inner) { yp in
            data.withUnsafeBufferPointer { xx in
                let xp = xx.baseAddress!
                Parallel.forEach(outer, workers: workers) { oo in
                    for o in oo {
                        let src = (o * n + range.lowerBound) * inner, dst = o * m * inner
                        (yp + dst).update(from: xp + src, count: m * inner)
                    }
                }
            }
        }
        var s = shape; s[axis] = m
        let x = self
        return Tensor(y, shape: s, parents: [x]) { out in
            // On first use the gradient is written (0 + dy, as zero-fill then add) instead of zero-filled.
            x.withGradFresh { gx, fresh in out.grad.withUnsafeBufferPointer { g in
                let gxp = gx.baseAddress!, gp = g.baseAddress!
                Parallel.forEach(outer, workers: workers) { oo in
                    for o in oo {
                        let src = (o * n + range.lowerBound) * inner, dst = o * m * inner
                        let d = gxp + src, s = gp + dst
                        if fresh {
                            (gxp + o * n * inner).update(repeating: 0, count: range.lowerBound * inner)
                            for j in 0..<(m * inner) { d[j] = s[j] + 0 }
                            (d + m * inner).update(repeating: 0, count: (n - range.upperBound) * inner)
                        } else {
                            for j in 0..<(m * inner) { d[j] += s[j] }
                        }
                    }
                }
            } }
        }
    }

    /// Joins tensors along `axis` (all other dimensions equal).
    public static func concat(_ xs: [Tensor], axis: Int) -> Tensor {
        precondition(!xs.isEmpty, "concat of nothing")
        let first = xs[0]
        for x in xs { precondition(x.rank == first.rank && x.shape.enumerated().allSatisfy { $0.offset == axis || $0.element == first.shape[$0.offset] },
                                   "concat: shapes \(xs.map(\.shape)) differ off axis \(axis)") }
        let outer = first.shape[..<axis].reduce(1, *)
        let inner = first.shape[(axis + 1)...].reduce(1, *)
        let sizes = xs.map { $0.shape[axis] }
        let total = sizes.reduce(0, +)
        var offsets: [Int] = []
        var offset = 0
        for n in sizes { offsets.append(offset); offset += n }
        let workers = Parallel.workers(units: outer, unitSize: total * inner)
        let y = uninitializedFloats(outer * total * inner) { yp in
            for (k, x) in xs.enumerated() {
                let n = sizes[k], off = offsets[k]
                x.data.withUnsafeBufferPointer { xx in
                    let xp = xx.baseAddress!
                    Parallel.forEach(outer, workers: workers) { oo in
                        for o in oo {
                            (yp + (o * total + off) * inner).update(from: xp + o * n * inner, count: n * inner)
                        }
                    }
                }
            }
        }
        var s = first.shape; s[axis] = total
        return Tensor(y, shape: s, parents: xs) { out in
            out.grad.withUnsafeBufferPointer { g in
                let gp = g.baseAddress!
                for (k, x) in xs.enumerated() where x.requiresGrad {
                    let n = sizes[k], off = offsets[k]
                    x.withGrad { gx in
                        let gxp = gx.baseAddress!
                        Parallel.forEach(outer, workers: workers) { oo in
                            for o in oo {
                                let d = gxp + o * n * inner, s = gp + (o * total + off) * inner
                                for j in 0..<(n * inner) { d[j] += s[j] }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Row lookup: y[i, :] = table[indices[i], :] for a (N, C) table.  dtable[indices[i]] += dy[i].
    /// Output shape: indexShape + [C] (default: [indices.count, C]). Large lookups copy their rows on
    /// all workers; the pullback splits the table's columns (groups of 8) over the workers, each adding
    /// the rows in index order, so every entry sums in the same order as one worker would.
    public func gatherRows(_ indices: [Int], shape indexShape: [Int]? = nil) -> Tensor {
        precondition(rank == 2, "gatherRows needs a (N, C) table, got \(shape)")
        let rows = shape[0], c = shape[1], n = indices.count
        for r in indices { precondition(r >= 0 && r < rows, "gatherRows: index \(r) outside 0..<\(rows)") }
        let workers = Parallel.workers(units: n, unitSize: c)
        let y = uninitializedFloats(n * c) { yp in
            data.withUnsafeBufferPointer { tt in indices.withUnsafeBufferPointer { ix in
                let tp = tt.baseAddress!
                Parallel.forEach(n, workers: workers) { range in
                    for i in range { (yp + i * c).update(from: tp + ix[i] * c, count: c) }
                }
            } }
        }
        let table = self
        return Tensor(y, shape: (indexShape ?? [n]) + [c], parents: [table]) { out in
            table.withGrad { gt in out.grad.withUnsafeBufferPointer { g in indices.withUnsafeBufferPointer { ix in
                let gtp = gt.baseAddress!, gp = g.baseAddress!
                Parallel.forEach((c + 7) / 8, workers: workers) { groups in
                    let lo = groups.lowerBound * 8, hi = min(c, groups.upperBound * 8)
                    for i in 0..<n {
                        let dst = gtp + ix[i] * c, src = gp + i * c
                        for j in lo..<hi { dst[j] += src[j] }
                    }
                }
            } } }
        }
    }
}
