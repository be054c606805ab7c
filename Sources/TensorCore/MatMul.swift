// Matrix products on `BLAS.multiply` (the SIMD kernel or OpenBLAS, single-threaded each; large
// products are split over `Parallel`).

/// Products with m * n * k below this run unsplit on the calling thread.
let gemmSplitThreshold = 1 << 20

/// Row blocks of a split product are whole multiples of this many rows of C, or nil: never split.
/// The SIMD kernel gives the same bits for any split (see SIMDGemm); 8 rows is its tile height.
/// OpenBLAS: see `openBLASSplitRows`.
var gemmSplitRows: Int? { BLAS.productKernel == .simd ? SIMDGemm.mr : openBLASSplitRows(core: openBLASCore) }

/// OpenBLAS's core, read once (it is fixed when the library loads).
let openBLASCore = BLAS.coreName

/// Row-block granularity with which OpenBLAS's sgemm on `core` gives the same bits as the unsplit
/// call, or nil where no cut is known to. Measured with OpenBLAS 0.3.21 on every layout at the
/// shapes of KernelTwinTests: Haswell and Zen walk the rows of a row-major C (their column-major N)
/// in chunks of 12 and round the last, shorter chunk differently, so cuts at multiples of 12 keep
/// every element the same; Sandybridge and Prescott gave the same bits for every cut tried (4 ... 96
/// rows), 12 included. SkylakeX and Cooperlake (picked on AVX-512 CPUs) did not for any cut at some
/// shapes (small products take a separate kernel chosen by size), so there a product is one call on
/// one worker. Columns are never cut: with OpenBLAS that changes the rounding of some elements.
func openBLASSplitRows(core: String) -> Int? {
    ["Haswell", "Zen", "Sandybridge", "Prescott"].contains(core) ? 12 : nil
}

/// C = alpha op(A) op(B) + beta C (row-major, as `BLAS.multiply`), with the rows of C cut into contiguous
/// blocks over the workers, each block one single-threaded product. The summed dimension k is never
/// split, so no partial sums are combined, and each element of C is computed by one worker exactly
/// as by the unsplit call: the result is bit-identical to `BLAS.multiply` for any number of workers
/// (tested in KernelTwinTests). Below `gemmSplitThreshold`, or with one worker, it is one plain call.
/// `bias` as in `BLAS.multiply` (each block's rows get it on the worker that owns them).
func splitGemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
               a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
               beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, workers: Int = Parallel.width,
               bias: UnsafePointer<Float>? = nil) {
    let step = gemmSplitRows ?? max(m, 1)
    let units = (m + step - 1) / step
    func block(_ r0: Int, _ r1: Int) {
        // Rows r0..<r1 of op(A): A stored (M, K) -> row offset; stored (K, M) -> column offset.
        BLAS.multiply(transA: transA, transB: transB, m: r1 - r0, n: n, k: k, alpha: alpha,
                      a: a + (transA ? r0 : r0 * lda), lda: lda, b: b, ldb: ldb, beta: beta, c: c + r0 * ldc,
                      ldc: ldc, bias: bias)
    }
    if workers <= 1 || units < 2 || m * n * k < gemmSplitThreshold {
        block(0, m)
        return
    }
    Parallel.forEach(units, workers: workers) { range in
        block(range.lowerBound * step, min(m, range.upperBound * step))
    }
}

extension Tensor {
    /// y = a @ b, or a @ b^T with `transposeB`; a is (..., M, K) with leading dims folded into M,
    /// b is (K, N) (or (N, K) transposed). The LM head tied to the embedding uses transposeB.
    ///   da += dy @ b^T            (dy @ b when transposeB)
    ///   db += a^T @ dy            (dy^T @ a when transposeB)
    public func matmul(_ b: Tensor, transposeB: Bool = false) -> Tensor {
        let a = self
        precondition(b.rank == 2, "matmul: right operand must be 2-D, got \(b.shape)")
        let k = a.shape.last!
        let m = a.count / k
        let n = transposeB ? b.shape[0] : b.shape[1]
        precondition((transposeB ? b.shape[1] : b.shape[0]) == k, "matmul: \(a.shape) x \(b.shape)\(transposeB ? "^T" : "")")
        let y = uninitializedFloats(m * n) { yp in
            a.data.withUnsafeBufferPointer { aa in b.data.withUnsafeBufferPointer { bb in
                splitGemm(transA: false, transB: transposeB, m: m, n: n, k: k, a: aa.baseAddress!, lda: k,
                          b: bb.baseAddress!, ldb: transposeB ? k : n, beta: 0, c: yp, ldc: n)
            } }
        }
        var s = a.shape; s[s.count - 1] = n
        return Tensor(y, shape: s, parents: [a, b]) { out in
            out.grad.withUnsafeBufferPointer { g in
                if a.requiresGrad {
                    a.withGradFresh { ga, fresh in b.data.withUnsafeBufferPointer { bb in
                        // (M, N) x (K, N)^T or (M, N) x (N, K)
                        splitGemm(transA: false, transB: !transposeB, m: m, n: k, k: n, a: g.baseAddress!, lda: n,
                                  b: bb.baseAddress!, ldb: transposeB ? k : n, beta: fresh ? 0 : 1, c: ga.baseAddress!, ldc: k)
                    } }
                }
                if b.requiresGrad {
                    b.withGrad { gb in a.data.withUnsafeBufferPointer { aa in
                        if transposeB {  // (N, K) += dy^T (N, M) @ a (M, K)
                            splitGemm(transA: true, transB: false, m: n, n: k, k: m, a: g.baseAddress!, lda: n,
                                      b: aa.baseAddress!, ldb: k, beta: 1, c: gb.baseAddress!, ldc: k)
                        } else {  // (K, N) += a^T (K, M) @ dy (M, N)
                            splitGemm(transA: true, transB: false, m: k, n: n, k: m, a: aa.baseAddress!, lda: k,
                                      b: g.baseAddress!, ldb: n, beta: 1, c: gb.baseAddress!, ldc: n)
                        }
                    } }
                }
            }
        }
    }

    /// Batched product: y[i] = op(a[i]) @ op(b[i]) for a (Bt, M, K) / b (Bt, K, N) (before transposes).
    public func bmm(_ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
        let a = self
        precondition(a.rank == 3 && b.rank == 3 && a.shape[0] == b.shape[0], "bmm: \(a.shape) x \(b.shape)")
        let bt = a.shape[0]
        let (m, k) = transposeA ? (a.shape[2], a.shape[1]) : (a.shape[1], a.shape[2])
        let (k2, n) = transposeB ? (b.shape[2], b.shape[1]) : (b.shape[1], b.shape[2])
        precondition(k == k2, "bmm: inner sizes \(k) and \(k2) differ")
        let sa = m * k, sb = k * n, sy = m * n
        let lda = a.shape[2], ldb = b.shape[2]
        var y = [Float](repeating: 0, count: bt * sy)
        a.data.withUnsafeBufferPointer { aa in b.data.withUnsafeBufferPointer { bb in y.withUnsafeMutableBufferPointer { yy in
            for i in 0..<bt {
                splitGemm(transA: transposeA, transB: transposeB, m: m, n: n, k: k, a: aa.baseAddress! + i * sa, lda: lda,
                          b: bb.baseAddress! + i * sb, ldb: ldb, beta: 0, c: yy.baseAddress! + i * sy, ldc: n)
            }
        } } }
        return Tensor(y, shape: [bt, m, n], parents: [a, b]) { out in
            out.grad.withUnsafeBufferPointer { g in
                for i in 0..<bt {
                    let gp = g.baseAddress! + i * sy
                    if a.requiresGrad {
                        // da = dy @ op(b)^T, stored in a's layout.
                        a.withGrad { ga in b.data.withUnsafeBufferPointer { bb in
                            let bp = bb.baseAddress! + i * sb, cp = ga.baseAddress! + i * sa
                            if !transposeA {  // (M, K) += dy (M, N) @ op(b)^T (N, K)
                                splitGemm(transA: false, transB: !transposeB, m: m, n: k, k: n, a: gp, lda: n,
                                          b: bp, ldb: ldb, beta: 1, c: cp, ldc: k)
                            } else {  // a stored (K, M): += op(b) (K, N) @ dy^T (N, M)
                                splitGemm(transA: transposeB, transB: true, m: k, n: m, k: n, a: bp, lda: ldb,
                                          b: gp, ldb: n, beta: 1, c: cp, ldc: m)
                            }
                        } }
                    }
                    if b.requiresGrad {
                        b.withGrad { gb in a.data.withUnsafeBufferPointer { aa in
                            let ap = aa.baseAddress! + i * sa, cp = gb.baseAddress! + i * sb
                            if !transposeB {  // (K, N) += op(a)^T (K, M) @ dy (M, N)
                                splitGemm(transA: !transposeA, transB: false, m: k, n: n, k: m, a: ap, lda: lda,
                                          b: gp, ldb: n, beta: 1, c: cp, ldc: n)
                            } else {  // b stored (N, K): += dy^T (N, M) @ op(a) (M, K)
                                splitGemm(transA: true, transB: transposeA, m: n, n: k, k: m, a: gp, lda: n,
                                          b: ap, ldb: lda, beta: 1, c: cp, ldc: k)
                            }
                        } }
                    }
                }
            }
        }
    }
}

extension Tensor {
    /// Affine map y = x @ w + bias for x (..., K), w (K, N), bias (N): one op instead of a matmul
    /// and a broadcast add (the product's stores add the bias; see `splitGemm`).
    ///   dx += dy @ w^T,  dw += x^T @ dy,  dbias += sum over rows of dy.
    public func linear(_ w: Tensor, bias: Tensor) -> Tensor {
        let x = self
        precondition(w.rank == 2 && w.shape[0] == x.shape.last!, "linear: \(x.shape) x \(w.shape)")
        let k = w.shape[0], n = w.shape[1], m = x.count / k
        precondition(bias.count == n, "linear: bias has \(bias.count) values for width \(n)")
        let y = uninitializedFloats(m * n) { yp in
            bias.data.withUnsafeBufferPointer { bb in x.data.withUnsafeBufferPointer { xx in w.data.withUnsafeBufferPointer { ww in
                splitGemm(transA: false, transB: false, m: m, n: n, k: k, a: xx.baseAddress!, lda: k,
                          b: ww.baseAddress!, ldb: n, beta: 0, c: yp, ldc: n, bias: bb.baseAddress!)
            } } }
        }
        var s = x.shape; s[s.count - 1] = n
        return Tensor(y, shape: s, parents: [x, w, bias]) { out in
            out.grad.withUnsafeBufferPointer { g in
                let gp = g.baseAddress!
                if x.requiresGrad {
                    x.withGradFresh { gx, fresh in w.data.withUnsafeBufferPointer { ww in  // (M, K) += dy (M, N) @ w^T
                        splitGemm(transA: false, transB: true, m: m, n: k, k: n, a: gp, lda: n,
                                  b: ww.baseAddress!, ldb: n, beta: fresh ? 0 : 1, c: gx.baseAddress!, ldc: k)
                    } }
                }
                if w.requiresGrad {
                    w.withGrad { gw in x.data.withUnsafeBufferPointer { xx in  // (K, N) += x^T (K, M) @ dy (M, N)
                        splitGemm(transA: true, transB: false, m: k, n: n, k: m, a: xx.baseAddress!, lda: k,
                                  b: gp, ldb: n, beta: 1, c: gw.baseAddress!, ldc: n)
                    } }
                }
                if bias.requiresGrad {
                    bias.withGrad { gb in addRows(gp, rows: m, width: n, into: gb.baseAddress!) }
                }
            }
        }
    }
}

/// dst[j] += sum_r src[r * width + j], rows in order (a fixed summation order). Above 65,536 values
/// the columns (in groups of 8) are split over the workers; each column is still summed in row order.
@inline(__always)
func addRows(_ src: UnsafePointer<Float>, rows: Int, width: Int, into dst: UnsafeMutablePointer<Float>) {
    Parallel.forEach((width + 7) / 8, workers: rows * width >= 65_536 ? Parallel.width : 1) { groups in
        let lo = groups.lowerBound * 8, hi = min(width, groups.upperBound * 8)
        for r in 0..<rows {
            let s = src + r * width
            for j in lo..<hi { dst[j] += s[j] }
        }
    }
}
