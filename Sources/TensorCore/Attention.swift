import Foundation

/// Which prefix keys a query may see. Queries and keys are aligned at the END: with Tq queries and
/// Tk prefix keys, query i sits at key position i + (Tk - Tq) (a key/value cache of Tk - Tq earlier
/// tokens precedes the queries).
public enum AttentionMask {
    /// Every query sees every prefix key.
    case none
    /// Query i sees prefix keys 0 ... i + (Tk - Tq).
    case causal
    /// An arbitrary additive mask (Tq, Tk), shared by batch and heads: 0 = visible, -inf = hidden.
    case additive([Float])
}

/// Key/value pairs of earlier steps that a query sees only in its OWN row ("diagonal" entries):
/// query i of step s sees diagonal key i of each listed step. This is the key/value cache of
/// Quiet-STaR's parallel thoughts: a thought token attends to its own column's earlier thought
/// tokens only, so the cache costs L * steps, never a dense (steps * L)^2 mask.
public struct DiagonalKV {
    public let k: Tensor  // (B, Tq, C)
    public let v: Tensor  // (B, Tq, C)
    public init(k: Tensor, v: Tensor) { self.k = k; self.v = v }
}

extension Tensor {
    /// Multi-head scaled dot-product attention with a prefix mask and a diagonal cache.
    ///
    /// q: (B, Tq, C); k, v: (B, Tk, C) prefix keys/values; diagonal: list of (B, Tq, C) pairs.
    /// Heads: C = H * D, head h uses columns h*D ..< (h+1)*D. For query i, head h:
    ///   s_j = q_i . k_j / sqrt(D) + mask_ij  (prefix),   e_m = q_i . kd_m,i / sqrt(D)  (diagonal)
    ///   p = softmax over [s, e],  o_i = sum_j p_j v_j + sum_m p_m vd_m,i.      Output (B, Tq, C).
    /// A query that sees nothing outputs 0.
    /// Pullback, with dp = do . v, rowdot = sum p * dp, ds = p (dp - rowdot) / sqrt(D):
    ///   dq = ds K + ds_d Kd,  dk = ds^T q,  dv = p^T do,  dkd_m,i = ds_m,i q_i,  dvd_m,i = p_m,i do_i.
    public static func attention(q: Tensor, k: Tensor, v: Tensor, heads: Int, mask: AttentionMask,
                                 diagonal: [DiagonalKV] = []) -> Tensor {
        precondition(q.rank == 3 && k.rank == 3 && v.rank == 3, "attention: q, k, v must be (B, T, C)")
        let b = q.shape[0], tq = q.shape[1], c = q.shape[2], tk = k.shape[1]
        precondition(k.shape == [b, tk, c] && v.shape == k.shape, "attention: k/v \(k.shape) vs q \(q.shape)")
        precondition(c % heads == 0, "attention: width \(c) not divisible by \(heads) heads")
        for d in diagonal { precondition(d.k.shape == q.shape && d.v.shape == q.shape, "attention: diagonal kv must match q") }
        if case .additive(let m) = mask { precondition(m.count == tq * tk, "attention: mask must be (\(tq), \(tk))") }
        let dh = c / heads, nd = diagonal.count
        let scale = 1 / Float(dh).squareRoot()
        let off = tk - tq
        let bh = b * heads
        var causal = false
        if case .causal = mask { causal = true }
        // Queries are processed in blocks of `rb` rows. Under a causal mask a block needs only the keys
        // its last row sees (about half the work of the full square). Every product below has
        // m * n * k <= rb * Tk * D, small enough that OpenBLAS runs it on the calling thread; the
        // (batch, head) pairs are then split over the cores (each pair owns its output columns,
        // so the split does not change any result).
        let rb = max(8, min(32, 262_144 / max(1, tk * dh)))
        // Work units: (batch row, group of hg heads). With diagonal steps a unit takes all heads of its
        // row, so the diagonal keys/values/gradients are read row by row, whole rows at a time (one
        // head's columns are a quarter of each row); without, one head (more units to split).
        // Every unit owns its output columns, so the split does not change any result.
        let hg = nd > 0 ? heads : 1, groups = heads / hg, units = b * groups
        /// Keys that some row of the block r0..<r1 may see.
        func keysFor(_ r1: Int) -> Int { causal ? max(0, min(tk, r1 + off)) : tk }
        /// Keys row i sees (the additive mask hides its entries itself).
        func visibleFor(_ i: Int) -> Int { causal ? max(0, min(tk, i + off + 1)) : tk }
        var additive: [Float] = []
        if case .additive(let m) = mask { additive = m }

        // Probabilities kept for the pullback: prefix (BH, Tq, Tk), diagonal (BH, nd, Tq). A row block
        // writes (and later reads) only its first kv = keysFor(r1) columns; the rest stay unset.
        var p = [Float](unsafeUninitializedCapacity: bh * tq * tk) { _, n in n = bh * tq * tk }
        var pd = [Float](repeating: 0, count: bh * nd * tq)
        var y = [Float](unsafeUninitializedCapacity: b * tq * c) { _, n in n = b * tq * c }

        Tensor.withDataPointers([q, k, v] + diagonal.map(\.k) + diagonal.map(\.v)) { src in
        additive.withUnsafeBufferPointer { am in
        p.withUnsafeMutableBufferPointer { pp in pd.withUnsafeMutableBufferPointer { ppd in y.withUnsafeMutableBufferPointer { yy in
            let qq = src[0], kk = src[1], vv = src[2]
            let dks = Array(src[3..<(3 + nd)]), dvs = Array(src[(3 + nd)...])
            let pBase = pp.baseAddress!, pdBase = ppd.baseAddress!, yBase = yy.baseAddress!
            Parallel.forEach(units) { range in
                for u in range {
                    let bi = u / groups, h0 = (u % groups) * hg
                    let hs = h0..<(h0 + hg)
                    let rowQ = qq + bi * tq * c, rowY = yBase + bi * tq * c
                    // Diagonal scores of all rows first: each step's keys are then read in one sweep
                    // of this batch row (Tq * C contiguous values) instead of one short piece per block.
                    for m in 0..<nd {
                        let kd = dks[m] + bi * tq * c
                        let sd = pdBase + (bi * heads * nd + m) * tq   // head h at + h * nd * tq
                        for i in 0..<tq {
                            let x = i &* c &+ h0 &* dh
                            headDots(rowQ + x, kd + x, heads: hg, dh: dh, scale: scale, into: sd + (h0 &* (nd &* tq) &+ i),
                                     stride: nd &* tq)
                        }
                    }
                    for r0 in stride(from: 0, to: tq, by: rb) {
                        let r1 = min(tq, r0 + rb), nr = r1 - r0, kv = keysFor(r1)
                        // Scores S = Q K^T * scale for rows r0..<r1, keys 0..<kv.
                        if kv > 0 {
                            for h in hs {
                                BLAS.multiply(transA: false, transB: true, m: nr, n: kv, k: dh, alpha: scale,
                                          a: rowQ + r0 * c + h * dh, lda: c, b: kk + bi * tk * c + h * dh, ldb: c,
                                          beta: 0, c: pBase + (bi * heads + h) * tq * tk + r0 * tk, ldc: tk)
                            }
                        }
                        // Mask + joint softmax per row.
                        for h in hs {
                            let sp = pBase + (bi * heads + h) * tq * tk, sd = pdBase + (bi * heads + h) * nd * tq
                            for i in r0..<r1 {
                                let row = sp + i * tk
                                let visible = visibleFor(i)
                                if am.count > 0 { for j in 0..<tk { row[j] += am[i * tk + j] } }
                                var mx = maxOf(row, visible)
                                for m in 0..<nd { mx = max(mx, sd[m * tq + i]) }
                                if mx == -.infinity {  // sees nothing
                                    for j in 0..<kv { row[j] = 0 }
                                    for m in 0..<nd { sd[m * tq + i] = 0 }
                                    continue
                                }
                                var total = visible > 0 ? FastMath.expShiftSum(row, row, visible, shift: mx) : 0
                                // Zeros up to the block's key count kv: no product reads further.
                                for j in visible..<kv { row[j] = 0 }
                                for m in 0..<nd { let e = Foundation.exp(sd[m * tq + i] - mx); sd[m * tq + i] = e; total += e }
                                let inv = 1 / total
                                for j in 0..<visible { row[j] *= inv }
                                for m in 0..<nd { sd[m * tq + i] *= inv }
                            }
                        }
                        // O = P V (+ diagonal terms)
                        for h in hs {
                            let yb = rowY + h * dh
                            if kv > 0 {
                                BLAS.multiply(transA: false, transB: false, m: nr, n: dh, k: kv,
                                          a: pBase + (bi * heads + h) * tq * tk + r0 * tk, lda: tk,
                                          b: vv + bi * tk * c + h * dh, ldb: c, beta: 0, c: yb + r0 * c, ldc: c)
                            } else {
                                for i in r0..<r1 { (yb + i * c).update(repeating: 0, count: dh) }
                            }
                        }
                    }
                    // Diagonal values, all rows (after every block's P V, as the blocks wrote y with beta 0).
                    for m in 0..<nd {
                        let vd = dvs[m] + bi * tq * c
                        let sd = pdBase + (bi * heads * nd + m) * tq
                        for i in 0..<tq {
                            let x = i &* c &+ h0 &* dh
                            headAxpys(rowY + x, sd + (h0 &* (nd &* tq) &+ i), stride: nd &* tq, vd + x, heads: hg, dh: dh)
                        }
                    }
                }
            }
        } } } } }

        let parents = [q, k, v] + diagonal.flatMap { [$0.k, $0.v] }
        return Tensor(y, shape: [b, tq, c], parents: parents) { out in
            let inputs = [q, k, v] + diagonal.map(\.k) + diagonal.map(\.v)
            out.grad.withUnsafeBufferPointer { gg in
            p.withUnsafeBufferPointer { pp in pd.withUnsafeBufferPointer { ppd in
            Tensor.withDataPointers(inputs) { src in
            Tensor.withGradPointers(inputs) { dst in
                let qq = src[0], kk = src[1], vv = src[2], dq = dst[0], dk = dst[1], dv = dst[2]
                let dks = Array(src[3..<(3 + nd)]), dvs = Array(src[(3 + nd)...])
                let gdk = Array(dst[3..<(3 + nd)]), gdv = Array(dst[(3 + nd)...])
                let gBase = gg.baseAddress!, pBase = pp.baseAddress!, pdBase = ppd.baseAddress!
                Parallel.forEach(units) { range in
                    // Scratch per worker: dP for one row block of each head (hg, rb, Tk), dPd (hg, nd, Tq).
                    var dpBuf = [Float](repeating: 0, count: hg * rb * max(tk, 1))
                    var dpdBuf = [Float](repeating: 0, count: max(hg * nd * tq, 1))
                    dpBuf.withUnsafeMutableBufferPointer { dpp in dpdBuf.withUnsafeMutableBufferPointer { dppd in
                    let dPs = dpp.baseAddress!, dPds = dppd.baseAddress!
                    for u in range {
                        let bi = u / groups, h0 = (u % groups) * hg
                        let hs = h0..<(h0 + hg)
                        let ro = bi * tq * c, rk = bi * tk * c  // this batch row's queries / keys
                        // Diagonal: dPd = dO . vd and dvd += pd dO, all rows, one sweep per step.
                        for m in 0..<nd {
                            let vd = dvs[m] + ro, gvd = gdv[m] + ro
                            let sd = pdBase + (bi * heads * nd + m) * tq, dPd = dPds + m * tq  // head h: + h * nd * tq
                            for i in 0..<tq {
                                let x = i &* c &+ h0 &* dh
                                headDots(gBase + ro + x, vd + x, heads: hg, dh: dh, scale: 1, into: dPd + i, stride: nd &* tq)
                                headAxpys(gvd + x, sd + (h0 &* (nd &* tq) &+ i), stride: nd &* tq, gBase + ro + x, heads: hg, dh: dh)
                            }
                        }
                        for r0 in stride(from: 0, to: tq, by: rb) {
                            let r1 = min(tq, r0 + rb), nr = r1 - r0, kv = keysFor(r1)
                            // dP = dO V^T (rows r0..<r1, keys 0..<kv);  dV += P^T dO
                            if kv > 0 {
                                for h in hs {
                                    let gy = gBase + ro + h * dh, pr = pBase + (bi * heads + h) * tq * tk + r0 * tk
                                    BLAS.multiply(transA: false, transB: true, m: nr, n: kv, k: dh, a: gy + r0 * c, lda: c,
                                              b: vv + rk + h * dh, ldb: c, beta: 0, c: dPs + (h - h0) * rb * tk, ldc: tk)
                                    BLAS.multiply(transA: true, transB: false, m: kv, n: dh, k: nr, a: pr, lda: tk,
                                              b: gy + r0 * c, ldb: c, beta: 1, c: dv + rk + h * dh, ldc: c)
                                }
                            }
                            // dS = P (dP - rowdot) * scale, in place in dP / dPd.
                            for h in hs {
                                let pr = pBase + (bi * heads + h) * tq * tk + r0 * tk, sd = pdBase + (bi * heads + h) * nd * tq
                                let dP = dPs + (h - h0) * rb * tk, dPd = dPds + (h - h0) * nd * tq
                                for i in r0..<r1 {
                                    let prow = pr + (i - r0) * tk, drow = dP + (i - r0) * tk
                                    var rd = dot(prow, drow, kv)
                                    for m in 0..<nd { rd += sd[m * tq + i] * dPd[m * tq + i] }
                                    for j in 0..<kv { drow[j] = prow[j] * (drow[j] - rd) * scale }
                                    for m in 0..<nd { dPd[m * tq + i] = sd[m * tq + i] * (dPd[m * tq + i] - rd) * scale }
                                }
                            }
                            // dQ += dS K ; dK += dS^T Q
                            if kv > 0 {
                                for h in hs {
                                    let dP = dPs + (h - h0) * rb * tk
                                    BLAS.multiply(transA: false, transB: false, m: nr, n: dh, k: kv, a: dP, lda: tk,
                                              b: kk + rk + h * dh, ldb: c, beta: 1, c: dq + ro + h * dh + r0 * c, ldc: c)
                                    BLAS.multiply(transA: true, transB: false, m: kv, n: dh, k: nr, a: dP, lda: tk,
                                              b: qq + ro + h * dh + r0 * c, ldb: c, beta: 1, c: dk + rk + h * dh, ldc: c)
                                }
                            }
                        }
                        // Diagonal: dq += dSd kd (after every block's dS K), dkd += dSd q; all rows.
                        for m in 0..<nd {
                            let kd = dks[m] + ro, gkd = gdk[m] + ro, dPd = dPds + m * tq
                            for i in 0..<tq {
                                let x = i &* c &+ h0 &* dh
                                headAxpys(dq + ro + x, dPd + i, stride: nd &* tq, kd + x, heads: hg, dh: dh)
                                headAxpys(gkd + x, dPd + i, stride: nd &* tq, qq + ro + x, heads: hg, dh: dh)
                            }
                        }
                    }
                    } }
                }
            } } } }
            }
        }
    }
}

/// max(-inf, a[0], ..., a[n-1]) over four independent chains. The maximum does not depend on the
/// order (values are never NaN here; +0 and -0 may come out either way, which no caller can tell
/// apart: it is only subtracted before exp).
@inline(__always)
func maxOf(_ a: UnsafePointer<Float>, _ n: Int) -> Float {
    var m0 = -Float.infinity, m1 = -Float.infinity, m2 = -Float.infinity, m3 = -Float.infinity
    var j = 0
    while j + 4 <= n {
        m0 = max(m0, a[j]); m1 = max(m1, a[j + 1]); m2 = max(m2, a[j + 2]); m3 = max(m3, a[j + 3])
        j += 4
    }
    while j < n { m0 = max(m0, a[j]); j += 1 }
    return max(max(m0, m1), max(m2, m3))
}

/// sum_j a[j] b[j], eight lanes at a time (a fixed order: the same result on every call).
@inline(__always)
func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
    var acc = SIMD8<Float>(repeating: 0)
    var j = 0
    while j + 8 <= n {
        acc += UnsafeRawPointer(a + j).loadUnaligned(as: SIMD8<Float>.self)
            * UnsafeRawPointer(b + j).loadUnaligned(as: SIMD8<Float>.self)
        j += 8
    }
    var s = acc.sum()
    while j < n { s += a[j] * b[j]; j += 1 }
    return s
}

/// y[j] += a x[j] for j < n, eight lanes at a time (the compiler cannot vectorise the plain loop:
/// it must assume y and x may overlap).
@inline(__always)
func axpy(_ y: UnsafeMutablePointer<Float>, _ a: Float, _ x: UnsafePointer<Float>, _ n: Int) {
    let av = SIMD8<Float>(repeating: a)
    var j = 0
    while j + 8 <= n {
        let yv = UnsafeRawPointer(y + j).loadUnaligned(as: SIMD8<Float>.self)
        let xv = UnsafeRawPointer(x + j).loadUnaligned(as: SIMD8<Float>.self)
        UnsafeMutableRawPointer(y + j).storeBytes(of: yv + av * xv, as: SIMD8<Float>.self)
        j += 8
    }
    while j < n { y[j] += a * x[j]; j += 1 }
}

/// For each head h < n: out[h * stride] = dot(a + h * dh, b + h * dh, dh) * scale, the same sums in
/// the same order as `dot` (so the same bits), in one loop over a row of n heads (no per-head call).
@inline(__always)
func headDots(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, heads n: Int, dh: Int, scale: Float,
              into out: UnsafeMutablePointer<Float>, stride: Int) {
    guard dh & 7 == 0 else {
        for h in 0..<n { out[h &* stride] = dot(a + h &* dh, b + h &* dh, dh) * scale }
        return
    }
    let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
    var off = 0
    for h in 0..<n {
        var acc = SIMD8<Float>(repeating: 0)
        let end = off &+ dh &* 4
        while off < end {
            acc += ra.loadUnaligned(fromByteOffset: off, as: SIMD8<Float>.self)
                * rb.loadUnaligned(fromByteOffset: off, as: SIMD8<Float>.self)
            off &+= 32
        }
        out[h &* stride] = acc.sum() * scale
    }
}

/// For each head h < n: axpy(y + h * dh, w[h * stride], x + h * dh, dh), the same operations as
/// `axpy`, in one loop over a row of n heads.
@inline(__always)
func headAxpys(_ y: UnsafeMutablePointer<Float>, _ w: UnsafePointer<Float>, stride: Int, _ x: UnsafePointer<Float>,
               heads n: Int, dh: Int) {
    guard dh & 7 == 0 else {
        for h in 0..<n { axpy(y + h &* dh, w[h &* stride], x + h &* dh, dh) }
        return
    }
    let ry = UnsafeMutableRawPointer(y), rx = UnsafeRawPointer(x)
    var off = 0
    for h in 0..<n {
        let av = SIMD8<Float>(repeating: w[h &* stride])
        let end = off &+ dh &* 4
        while off < end {
            let yv = ry.loadUnaligned(fromByteOffset: off, as: SIMD8<Float>.self)
            ry.storeBytes(of: yv + av * rx.loadUnaligned(fromByteOffset: off, as: SIMD8<Float>.self), toByteOffset: off,
                          as: SIMD8<Float>.self)
            off &+= 32
        }
    }
}
