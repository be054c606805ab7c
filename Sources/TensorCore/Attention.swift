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
        /// Keys that some row of the block r0..<r1 may see.
        func keysFor(_ r1: Int) -> Int { causal ? max(0, min(tk, r1 + off)) : tk }
        /// Keys row i sees (the additive mask hides its entries itself).
        func visibleFor(_ i: Int) -> Int { causal ? max(0, min(tk, i + off + 1)) : tk }
        var additive: [Float] = []
        if case .additive(let m) = mask { additive = m }

        // Probabilities kept for the pullback: prefix (BH, Tq, Tk), diagonal (BH, nd, Tq).
        var p = [Float](unsafeUninitializedCapacity: bh * tq * tk) { _, n in n = bh * tq * tk }
        var pd = [Float](repeating: 0, count: bh * nd * tq)
        var y = [Float](unsafeUninitializedCapacity: b * tq * c) { _, n in n = b * tq * c }

        Tensor.withDataPointers([q, k, v] + diagonal.map(\.k) + diagonal.map(\.v)) { src in
        additive.withUnsafeBufferPointer { am in
        p.withUnsafeMutableBufferPointer { pp in pd.withUnsafeMutableBufferPointer { ppd in y.withUnsafeMutableBufferPointer { yy in
            let qq = src[0], kk = src[1], vv = src[2]
            let dks = Array(src[3..<(3 + nd)]), dvs = Array(src[(3 + nd)...])
            let pBase = pp.baseAddress!, pdBase = ppd.baseAddress!, yBase = yy.baseAddress!
            Parallel.forEach(bh) { range in
                for z in range {
                    let bi = z / heads, h = z % heads
                    let qb = qq + bi * tq * c + h * dh
                    let kb = kk + bi * tk * c + h * dh
                    let vb = vv + bi * tk * c + h * dh
                    let yb = yBase + bi * tq * c + h * dh
                    let sp = pBase + z * tq * tk
                    let sd = pdBase + z * nd * tq
                    for r0 in stride(from: 0, to: tq, by: rb) {
                        let r1 = min(tq, r0 + rb), nr = r1 - r0, kv = keysFor(r1)
                        // Scores S = Q K^T * scale for rows r0..<r1, keys 0..<kv.
                        if kv > 0 {
                            BLAS.gemm(transA: false, transB: true, m: nr, n: kv, k: dh, alpha: scale, a: qb + r0 * c,
                                      lda: c, b: kb, ldb: c, beta: 0, c: sp + r0 * tk, ldc: tk)
                        }
                        for m in 0..<nd {
                            let kd = dks[m] + bi * tq * c + h * dh
                            for i in r0..<r1 { sd[m * tq + i] = dot(qb + i * c, kd + i * c, dh) * scale }
                        }
                        // Mask + joint softmax per row.
                        for i in r0..<r1 {
                            let row = sp + i * tk
                            let visible = visibleFor(i)
                            if am.count > 0 { for j in 0..<tk { row[j] += am[i * tk + j] } }
                            var mx = -Float.infinity
                            for j in 0..<visible { mx = max(mx, row[j]) }
                            for m in 0..<nd { mx = max(mx, sd[m * tq + i]) }
                            if mx == -.infinity {  // sees nothing
                                for j in 0..<tk { row[j] = 0 }
                                for m in 0..<nd { sd[m * tq + i] = 0 }
                                continue
                            }
                            var total = visible > 0 ? FastMath.expShiftSum(row, row, visible, shift: mx) : 0
                            for j in visible..<tk { row[j] = 0 }
                            for m in 0..<nd { let e = Foundation.exp(sd[m * tq + i] - mx); sd[m * tq + i] = e; total += e }
                            let inv = 1 / total
                            for j in 0..<visible { row[j] *= inv }
                            for m in 0..<nd { sd[m * tq + i] *= inv }
                        }
                        // O = P V (+ diagonal terms)
                        if kv > 0 {
                            BLAS.gemm(transA: false, transB: false, m: nr, n: dh, k: kv, a: sp + r0 * tk, lda: tk,
                                      b: vb, ldb: c, beta: 0, c: yb + r0 * c, ldc: c)
                        } else {
                            for i in r0..<r1 { (yb + i * c).update(repeating: 0, count: dh) }
                        }
                        for m in 0..<nd {
                            let vd = dvs[m] + bi * tq * c + h * dh
                            for i in r0..<r1 {
                                let w = sd[m * tq + i]
                                axpy(yb + i * c, w, vd + i * c, dh)
                            }
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
                Parallel.forEach(bh) { range in
                    // Scratch per worker: dP for one row block (rb, Tk), dPd (nd, Tq).
                    var dpBuf = [Float](repeating: 0, count: rb * max(tk, 1))
                    var dpdBuf = [Float](repeating: 0, count: max(nd * tq, 1))
                    dpBuf.withUnsafeMutableBufferPointer { dpp in dpdBuf.withUnsafeMutableBufferPointer { dppd in
                    let dP = dpp.baseAddress!, dPd = dppd.baseAddress!
                    for z in range {
                        let bi = z / heads, h = z % heads
                        let o = bi * tq * c + h * dh, ok = bi * tk * c + h * dh
                        let qb = qq + o, kb = kk + ok, vb = vv + ok
                        let gy = gBase + o
                        let sp = pBase + z * tq * tk, sd = pdBase + z * nd * tq
                        for r0 in stride(from: 0, to: tq, by: rb) {
                            let r1 = min(tq, r0 + rb), nr = r1 - r0, kv = keysFor(r1)
                            let pr = sp + r0 * tk
                            // dP = dO V^T (rows r0..<r1, keys 0..<kv);  dV += P^T dO
                            if kv > 0 {
                                BLAS.gemm(transA: false, transB: true, m: nr, n: kv, k: dh, a: gy + r0 * c, lda: c,
                                          b: vb, ldb: c, beta: 0, c: dP, ldc: tk)
                                BLAS.gemm(transA: true, transB: false, m: kv, n: dh, k: nr, a: pr, lda: tk,
                                          b: gy + r0 * c, ldb: c, beta: 1, c: dv + ok, ldc: c)
                            }
                            for m in 0..<nd {
                                let vd = dvs[m] + o, gvd = gdv[m] + o
                                for i in r0..<r1 {
                                    dPd[m * tq + i] = dot(gy + i * c, vd + i * c, dh)
                                    let w = sd[m * tq + i]
                                    axpy(gvd + i * c, w, gy + i * c, dh)
                                }
                            }
                            // dS = P (dP - rowdot) * scale, in place in dP / dPd.
                            for i in r0..<r1 {
                                let prow = pr + (i - r0) * tk, drow = dP + (i - r0) * tk
                                var rd = dot(prow, drow, kv)
                                for m in 0..<nd { rd += sd[m * tq + i] * dPd[m * tq + i] }
                                for j in 0..<kv { drow[j] = prow[j] * (drow[j] - rd) * scale }
                                for m in 0..<nd { dPd[m * tq + i] = sd[m * tq + i] * (dPd[m * tq + i] - rd) * scale }
                            }
                            // dQ += dS K ; dK += dS^T Q
                            if kv > 0 {
                                BLAS.gemm(transA: false, transB: false, m: nr, n: dh, k: kv, a: dP, lda: tk, b: kb, ldb: c,
                                          beta: 1, c: dq + o + r0 * c, ldc: c)
                                BLAS.gemm(transA: true, transB: false, m: kv, n: dh, k: nr, a: dP, lda: tk,
                                          b: qb + r0 * c, ldb: c, beta: 1, c: dk + ok, ldc: c)
                            }
                            for m in 0..<nd {
                                let kd = dks[m] + o, gkd = gdk[m] + o
                                for i in r0..<r1 {
                                    let w = dPd[m * tq + i]
                                    axpy(dq + o + i * c, w, kd + i * c, dh)
                                    axpy(gkd + i * c, w, qb + i * c, dh)
                                }
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
