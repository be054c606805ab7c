/// The suite's own single-precision matrix product: register tiles of 8 x 32 values of C held in
/// sixteen `SIMD16<Float>` accumulators, one fused multiply-add per tile row and 16 columns for each
/// k. The numeric targets are compiled for the host CPU (`-march=native`), so on a CPU with AVX-512
/// a `SIMD16<Float>` is one 512-bit register; OpenBLAS 0.3.21 has no kernel of that width for every
/// CPU it meets (on the development machine it runs its 256-bit Haswell kernel, at about half the
/// speed; see README). OpenBLAS stays the reference twin in the tests and can be chosen with
/// `QSTAR_GEMM=openblas`.
///
/// On a CPU without AVX-512 a `SIMD16<Float>` is two 256-bit registers and the sixteen accumulators
/// would need 32 of the 16 there are; there each tile is computed in four passes of 4 x 16 values
/// (`Tiling.narrow`, chosen at start from /proc/cpuinfo), with the same bits.
///
/// Layout: op(A) is read in place, 8 rows at a time (a ragged last group of rows is copied into a
/// zero-padded panel first); so is an untransposed B, 32 columns at a time. A transposed B, and the
/// ragged last columns, are copied once per block of `kc` k-values into strips of 32 columns
/// (k-major, zero-padded past n).
///
/// Rounding: element (i, j) is, for each block of `kc` k-values in ascending order, the FMA chain
/// acc = 0; acc = fma(a_ik, b_kj, acc) for k ascending; then C = alpha acc + beta C for the first
/// block (C not read when beta == 0) and C = C + alpha acc for the later ones. That sequence does not
/// depend on which rows or columns a call covers, so every split of a product over rows or columns
/// gives the unsplit call's bits.
enum SIMDGemm {
    static let mr = 8, nr = 32, kc = 256, mc = 64

    /// C = alpha op(A) op(B) + beta C, row-major with row strides lda, ldb, ldc (as cblas_sgemm with
    /// CblasRowMajor). With beta == 0, C is written without being read.
    /// With `bias` (n values), C = bias + alpha op(A) op(B) in every row, C not read and beta unused:
    /// the bits of filling each row of C with the bias and calling with beta 1.
    static func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                     a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                     beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, bias: UnsafePointer<Float>? = nil) {
        if m <= 0 || n <= 0 { return }
        if k <= 0 {
            for i in 0..<m { for j in 0..<n {
                c[i * ldc + j] = bias.map { $0[j] } ?? (beta == 0 ? 0 : beta * c[i * ldc + j])
            } }
            return
        }
        let kcMax = min(kc, k)
        let strips = (n + nr - 1) / nr
        // Full strips of an untransposed B are read in place (rows of 32 values, stride ldb); the
        // others are copied into packed strips (stride 32).
        func inPlace(_ s: Int) -> Bool { !transB && n - s * nr >= nr }
        withUnsafeTemporaryAllocation(of: Float.self, capacity: strips * kcMax * nr + kcMax * mr) { buf in
            let pb = buf.baseAddress!, edge = pb + strips * kcMax * nr
            var k0 = 0
            while k0 < k {
                let kb = min(kc, k - k0)
                let blockBeta: Float = k0 == 0 && bias == nil ? beta : 1
                for s in 0..<strips where !inPlace(s) {
                    packB(transB: transB, b: b, ldb: ldb, cols: (s * nr)..<min(n, s * nr + nr), ks: k0..<(k0 + kb),
                          into: pb + s * kb * nr)
                }
                // Rows in groups of mc (their slice of A stays in cache across the strips).
                var i0 = 0
                while i0 < m {
                    let i1 = min(m, i0 + mc)
                    for s in 0..<strips {
                        let w = min(nr, n - s * nr)
                        let bs = inPlace(s) ? b + k0 * ldb + s * nr : UnsafePointer(pb + s * kb * nr)
                        let bstep = inPlace(s) ? ldb : nr
                        let seed = k0 == 0 ? bias.map { $0 + s * nr } : nil
                        var r0 = i0
                        while r0 < i1 {
                            let rows = min(mr, i1 - r0)
                            let cp = c + r0 * ldc + s * nr
                            if rows < mr {
                                packA(transA: transA, a: a, lda: lda, rows: r0..<(r0 + rows), ks: k0..<(k0 + kb), into: edge)
                                tile(kb, KMajor(p: UnsafePointer(edge), step: mr), bs, bstep, cp, ldc, rows: rows, cols: w,
                                     alpha: alpha, beta: blockBeta, seed: seed)
                            } else if transA {
                                tile(kb, KMajor(p: a + k0 * lda + r0, step: lda), bs, bstep, cp, ldc, rows: rows, cols: w,
                                     alpha: alpha, beta: blockBeta, seed: seed)
                            } else {
                                tile(kb, RowMajor(p: a + r0 * lda + k0, lda: lda), bs, bstep, cp, ldc, rows: rows, cols: w,
                                     alpha: alpha, beta: blockBeta, seed: seed)
                            }
                            r0 += mr
                        }
                    }
                    i0 = i1
                }
                k0 += kb
            }
        }
    }

    /// Eight rows of op(A), read one k at a time.
    protocol Panel {
        func at(_ r: Int) -> Float
        mutating func next()
    }

    /// op(A)(r, k) at p[k * step + r]: A stored transposed, or a packed panel (step 8).
    struct KMajor: Panel {
        var p: UnsafePointer<Float>
        let step: Int
        @inline(__always) func at(_ r: Int) -> Float { p[r] }
        @inline(__always) mutating func next() { p += step }
    }

    /// op(A)(r, k) at p[r * lda + k]: A stored as is.
    struct RowMajor: Panel {
        var p: UnsafePointer<Float>
        let lda: Int
        @inline(__always) func at(_ r: Int) -> Float { p[r &* lda] }
        @inline(__always) mutating func next() { p += 1 }
    }

    /// `rows` (fewer than 8) x `ks` of op(A) as one k-major panel of 8 rows, zero-padded.
    static func packA(transA: Bool, a: UnsafePointer<Float>, lda: Int, rows: Range<Int>, ks: Range<Int>,
                      into d: UnsafeMutablePointer<Float>) {
        for (t, kk) in ks.enumerated() {
            for r in 0..<mr {
                let i = rows.lowerBound + r
                d[t * mr + r] = r < rows.count ? (transA ? a[kk * lda + i] : a[i * lda + kk]) : 0
            }
        }
    }

    /// Columns `cols` (at most 32) x `ks` of op(B) as k-major rows of 32 values, zero-padded.
    static func packB(transB: Bool, b: UnsafePointer<Float>, ldb: Int, cols: Range<Int>, ks: Range<Int>,
                      into dst: UnsafeMutablePointer<Float>) {
        let w = cols.count, kb = ks.count
        if transB {  // op(B)(k, j) = b[j * ldb + k]
            for j in 0..<nr {
                if j < w {
                    let src = b + (cols.lowerBound + j) * ldb + ks.lowerBound
                    for t in 0..<kb { dst[t * nr + j] = src[t] }
                } else {
                    for t in 0..<kb { dst[t * nr + j] = 0 }
                }
            }
            return
        }
        for t in 0..<kb {
            let src = b + (ks.lowerBound + t) * ldb + cols.lowerBound, d = dst + t * nr
            if w == nr {
                UnsafeMutableRawPointer(d).storeBytes(of: load(src), as: SIMD16<Float>.self)
                UnsafeMutableRawPointer(d + 16).storeBytes(of: load(src + 16), as: SIMD16<Float>.self)
            } else {
                for j in 0..<w { d[j] = src[j] }
                for j in w..<nr { d[j] = 0 }
            }
        }
    }

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
    }

    @inline(__always)
    static func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }

    /// How a tile's accumulators are laid out in registers. Both give the same bits.
    enum Tiling: String, Sendable, CaseIterable {
        /// One pass over k with sixteen `SIMD16<Float>` accumulators: 16 registers with AVX-512.
        case wide
        /// Four passes over k, each 4 rows x 16 columns in eight `SIMD8<Float>` accumulators: fits
        /// the sixteen 256-bit registers of AVX2, where the wide tile's 32 halves spill to memory
        /// (about half the speed on an AMD EPYC of family 25; README).
        case narrow
    }

    /// `wide` on CPUs with AVX-512 (`avx512f` in /proc/cpuinfo), else `narrow`. Tests set it.
    nonisolated(unsafe) static var tiling: Tiling = BLAS.cpuFlags().contains("avx512f") ? .wide : .narrow

    /// Rows row0 ..< row0 + 4 of the panel times 16 columns of the strip at `bp`, over kb values of k:
    /// acc = 0, then acc = fma(a_rk, b_kj, acc) for k ascending, as in the wide tile. One SIMD16 per row,
    /// joined from its two SIMD8 accumulators after the loop.
    @inline(__always)
    static func quarter<A: Panel>(_ kb: Int, _ ap: A, row0: Int, _ bp: UnsafePointer<Float>, _ bstep: Int)
        -> (SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>) {
        var s00 = SIMD8<Float>(), s01 = SIMD8<Float>(), s10 = SIMD8<Float>(), s11 = SIMD8<Float>()
        var s20 = SIMD8<Float>(), s21 = SIMD8<Float>(), s30 = SIMD8<Float>(), s31 = SIMD8<Float>()
        var aq = ap, bq = bp
        for _ in 0..<kb {
            let b0 = load8(bq), b1 = load8(bq + 8)
            var x = SIMD8<Float>(repeating: aq.at(row0)); s00.addProduct(x, b0); s01.addProduct(x, b1)
            x = SIMD8<Float>(repeating: aq.at(row0 + 1)); s10.addProduct(x, b0); s11.addProduct(x, b1)
            x = SIMD8<Float>(repeating: aq.at(row0 + 2)); s20.addProduct(x, b0); s21.addProduct(x, b1)
            x = SIMD8<Float>(repeating: aq.at(row0 + 3)); s30.addProduct(x, b0); s31.addProduct(x, b1)
            aq.next()
            bq += bstep
        }
        return (SIMD16(lowHalf: s00, highHalf: s01), SIMD16(lowHalf: s10, highHalf: s11),
                SIMD16(lowHalf: s20, highHalf: s21), SIMD16(lowHalf: s30, highHalf: s31))
    }

    /// C[r][j] for one element: alpha acc + beta old (old not read when beta == 0). Written for
    /// SIMD16 lanes and for single values with the same operations, so edge tiles round as full ones.
    @inline(__always)
    static func combine(_ acc: SIMD16<Float>, _ old: () -> SIMD16<Float>, alpha: Float, beta: Float) -> SIMD16<Float> {
        let s = alpha == 1 ? acc : SIMD16(repeating: alpha) * acc
        if beta == 0 { return s }
        return beta == 1 ? old() + s : SIMD16(repeating: beta) * old() + s
    }

    @inline(__always)
    static func combine(_ acc: Float, _ old: Float, alpha: Float, beta: Float) -> Float {
        let s = alpha == 1 ? acc : alpha * acc
        if beta == 0 { return s }
        return beta == 1 ? old + s : beta * old + s
    }

    /// One tile: acc (8 x 32) = sum over kb of op(A) rows (from `ap`) times the B strip `bp` (rows of
    /// 32 values, `bstep` apart), then C (rows x cols of it) = combine(acc, old), where old is C, or
    /// the row `seed` for every row when given.
    @inline(__always)
    static func tile<A: Panel>(_ kb: Int, _ ap: A, _ bp: UnsafePointer<Float>, _ bstep: Int, _ c: UnsafeMutablePointer<Float>,
                               _ ldc: Int, rows: Int, cols: Int, alpha: Float, beta: Float,
                               seed: UnsafePointer<Float>? = nil) {
        var c00 = SIMD16<Float>(), c01 = SIMD16<Float>(), c10 = SIMD16<Float>(), c11 = SIMD16<Float>()
        var c20 = SIMD16<Float>(), c21 = SIMD16<Float>(), c30 = SIMD16<Float>(), c31 = SIMD16<Float>()
        var c40 = SIMD16<Float>(), c41 = SIMD16<Float>(), c50 = SIMD16<Float>(), c51 = SIMD16<Float>()
        var c60 = SIMD16<Float>(), c61 = SIMD16<Float>(), c70 = SIMD16<Float>(), c71 = SIMD16<Float>()
        if tiling == .narrow {
            // Four passes of 4 rows x 16 columns in SIMD8 halves (8 accumulators, each one 256-bit
            // register): the same FMA chain per element as the loop below, so the same bits.
            (c00, c10, c20, c30) = quarter(kb, ap, row0: 0, bp, bstep)
            (c01, c11, c21, c31) = quarter(kb, ap, row0: 0, bp + 16, bstep)
            (c40, c50, c60, c70) = quarter(kb, ap, row0: 4, bp, bstep)
            (c41, c51, c61, c71) = quarter(kb, ap, row0: 4, bp + 16, bstep)
        } else {
            var aq = ap, bq = bp
            for _ in 0..<kb {
                let b0 = load(bq), b1 = load(bq + 16)
                var x = SIMD16<Float>(repeating: aq.at(0)); c00.addProduct(x, b0); c01.addProduct(x, b1)
                x = SIMD16<Float>(repeating: aq.at(1)); c10.addProduct(x, b0); c11.addProduct(x, b1)
                x = SIMD16<Float>(repeating: aq.at(2)); c20.addProduct(x, b0); c21.addProduct(x, b1)
                x = SIMD16<Float>(repeating: aq.at(3)); c30.addProduct(x, b0); c31.addProduct(x, b1)
                x = SIMD16<Float>(repeating: aq.at(4)); c40.addProduct(x, b0); c41.addProduct(x, b1)
                x = SIMD16<Float>(repeating: aq.at(5)); c50.addProduct(x, b0); c51.addProduct(x, b1)
                x = SIMD16<Float>(repeating: aq.at(6)); c60.addProduct(x, b0); c61.addProduct(x, b1)
                x = SIMD16<Float>(repeating: aq.at(7)); c70.addProduct(x, b0); c71.addProduct(x, b1)
                aq.next()
                bq += bstep
            }
        }
        if rows == mr && cols == nr {
            @inline(__always) func store(_ r: Int, _ v0: SIMD16<Float>, _ v1: SIMD16<Float>) {
                let p = c + r * ldc, old = seed ?? UnsafePointer(p)
                let o0 = combine(v0, { load(old) }, alpha: alpha, beta: beta)
                let o1 = combine(v1, { load(old + 16) }, alpha: alpha, beta: beta)
                UnsafeMutableRawPointer(p).storeBytes(of: o0, as: SIMD16<Float>.self)
                UnsafeMutableRawPointer(p + 16).storeBytes(of: o1, as: SIMD16<Float>.self)
            }
            store(0, c00, c01); store(1, c10, c11); store(2, c20, c21); store(3, c30, c31)
            store(4, c40, c41); store(5, c50, c51); store(6, c60, c61); store(7, c70, c71)
            return
        }
        // Edge tile: stage the accumulators, then the same combine per element.
        withUnsafeTemporaryAllocation(of: SIMD16<Float>.self, capacity: 2 * mr) { acc in
            acc[0] = c00; acc[1] = c01; acc[2] = c10; acc[3] = c11; acc[4] = c20; acc[5] = c21
            acc[6] = c30; acc[7] = c31; acc[8] = c40; acc[9] = c41; acc[10] = c50; acc[11] = c51
            acc[12] = c60; acc[13] = c61; acc[14] = c70; acc[15] = c71
            for r in 0..<rows {
                let p = c + r * ldc, old = seed ?? UnsafePointer(p)
                for j in 0..<cols {
                    p[j] = combine(acc[2 * r + j / 16][j % 16], beta == 0 ? 0 : old[j], alpha: alpha, beta: beta)
                }
            }
        }
    }
}
