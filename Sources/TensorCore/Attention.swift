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
        // Probabilities kept for the pullback: prefix (BH, Tq, Tk), diagonal (BH, nd, Tq).
        var p = [Float](repeating: 0, count: bh * tq * tk)
        var pd = [Float](repeating: 0, count: bh * nd * tq)
        var y = [Float](repeating: 0, count: b * tq * c)
        let dks = diagonal.map { $0.k.data }, dvs = diagonal.map { $0.v.data }

        q.data.withUnsafeBufferPointer { qq in k.data.withUnsafeBufferPointer { kk in v.data.withUnsafeBufferPointer { vv in
        p.withUnsafeMutableBufferPointer { pp in pd.withUnsafeMutableBufferPointer { ppd in y.withUnsafeMutableBufferPointer { yy in
            for bi in 0..<b { for h in 0..<heads {
                let z = bi * heads + h
                let qb = qq.baseAddress! + bi * tq * c + h * dh
                let kb = kk.baseAddress! + bi * tk * c + h * dh
                let vb = vv.baseAddress! + bi * tk * c + h * dh
                let yb = yy.baseAddress! + bi * tq * c + h * dh
                let sp = pp.baseAddress! + z * tq * tk
                let sd = ppd.baseAddress! + z * nd * tq
                // Scores S = Q K^T * scale  (Tq, Tk)
                if tk > 0 {
                    BLAS.gemm(transA: false, transB: true, m: tq, n: tk, k: dh, alpha: scale, a: qb, lda: c,
                              b: kb, ldb: c, beta: 0, c: sp, ldc: tk)
                }
                for m in 0..<nd {
                    dks[m].withUnsafeBufferPointer { dk in
                        let kd = dk.baseAddress! + bi * tq * c + h * dh
                        for i in 0..<tq {
                            var s: Float = 0
                            for j in 0..<dh { s += qb[i * c + j] * kd[i * c + j] }
                            sd[m * tq + i] = s * scale
                        }
                    }
                }
                // Mask + joint softmax per row.
                for i in 0..<tq {
                    let row = sp + i * tk
                    var visible = tk
                    switch mask {
                    case .none: break
                    case .causal:
                        visible = max(0, min(tk, i + off + 1))
                        for j in visible..<tk { row[j] = -.infinity }
                    case .additive(let am):
                        for j in 0..<tk { row[j] += am[i * tk + j] }
                    }
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
                if tk > 0 {
                    BLAS.gemm(transA: false, transB: false, m: tq, n: dh, k: tk, a: sp, lda: tk,
                              b: vb, ldb: c, beta: 0, c: yb, ldc: c)
                }
                for m in 0..<nd {
                    dvs[m].withUnsafeBufferPointer { dv in
                        let vd = dv.baseAddress! + bi * tq * c + h * dh
                        for i in 0..<tq {
                            let w = sd[m * tq + i]
                            for j in 0..<dh { yb[i * c + j] += w * vd[i * c + j] }
                        }
                    }
                }
            } }
        } } } } } }

        let parents = [q, k, v] + diagonal.flatMap { [$0.k, $0.v] }
        return Tensor(y, shape: [b, tq, c], parents: parents) { out in
            var dp = [Float](repeating: 0, count: tq * max(tk, 1))
            var dpd = [Float](repeating: 0, count: nd * tq)
            var gq = q.requiresGrad ? [] : [Float](repeating: 0, count: q.count)   // sink if q is constant
            var gk = k.requiresGrad ? [] : [Float](repeating: 0, count: k.count)
            var gv = v.requiresGrad ? [] : [Float](repeating: 0, count: v.count)
            var gdk = diagonal.map { $0.k.requiresGrad ? [] : [Float](repeating: 0, count: q.count) }
            var gdv = diagonal.map { $0.v.requiresGrad ? [] : [Float](repeating: 0, count: q.count) }
            func withBuf<R>(_ t: Tensor, _ sink: inout [Float], _ body: (UnsafeMutablePointer<Float>) -> R) -> R {
                if t.requiresGrad { return t.withGrad { body($0.baseAddress!) } }
                return sink.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
            }
            out.grad.withUnsafeBufferPointer { gg in
            q.data.withUnsafeBufferPointer { qq in k.data.withUnsafeBufferPointer { kk in v.data.withUnsafeBufferPointer { vv in
            p.withUnsafeBufferPointer { pp in pd.withUnsafeBufferPointer { ppd in
            dp.withUnsafeMutableBufferPointer { dpp in dpd.withUnsafeMutableBufferPointer { dppd in
            withBuf(q, &gq) { dq in withBuf(k, &gk) { dk in withBuf(v, &gv) { dv in
                for bi in 0..<b { for h in 0..<heads {
                    let z = bi * heads + h
                    let o = bi * tq * c + h * dh, ok = bi * tk * c + h * dh
                    let qb = qq.baseAddress! + o, kb = kk.baseAddress! + ok, vb = vv.baseAddress! + ok
                    let gy = gg.baseAddress! + o
                    let sp = pp.baseAddress! + z * tq * tk, sd = ppd.baseAddress! + z * nd * tq
                    let dP = dpp.baseAddress!, dPd = dppd.baseAddress!
                    // dP = dO V^T (Tq, Tk);  dV += P^T dO
                    if tk > 0 {
                        BLAS.gemm(transA: false, transB: true, m: tq, n: tk, k: dh, a: gy, lda: c, b: vb, ldb: c,
                                  beta: 0, c: dP, ldc: tk)
                        BLAS.gemm(transA: true, transB: false, m: tk, n: dh, k: tq, a: sp, lda: tk, b: gy, ldb: c,
                                  beta: 1, c: dv + ok, ldc: c)
                    }
                    for m in 0..<nd {
                        diagonal[m].v.data.withUnsafeBufferPointer { dvv in
                            let vd = dvv.baseAddress! + o
                            for i in 0..<tq {
                                var s: Float = 0
                                for j in 0..<dh { s += gy[i * c + j] * vd[i * c + j] }
                                dPd[m * tq + i] = s
                            }
                        }
                        withBuf(diagonal[m].v, &gdv[m]) { gvd in
                            for i in 0..<tq {
                                let w = sd[m * tq + i]
                                for j in 0..<dh { gvd[o + i * c + j] += w * gy[i * c + j] }
                            }
                        }
                    }
                    // dS = P (dP - rowdot) * scale, in place in dP / dPd.
                    for i in 0..<tq {
                        var rd: Float = 0
                        for j in 0..<tk { rd += sp[i * tk + j] * dP[i * tk + j] }
                        for m in 0..<nd { rd += sd[m * tq + i] * dPd[m * tq + i] }
                        for j in 0..<tk { dP[i * tk + j] = sp[i * tk + j] * (dP[i * tk + j] - rd) * scale }
                        for m in 0..<nd { dPd[m * tq + i] = sd[m * tq + i] * (dPd[m * tq + i] - rd) * scale }
                    }
                    // dQ += dS K ; dK += dS^T Q
                    if tk > 0 {
                        BLAS.gemm(transA: false, transB: false, m: tq, n: dh, k: tk, a: dP, lda: tk, b: kb, ldb: c,
                                  beta: 1, c: dq + o, ldc: c)
                        BLAS.gemm(transA: true, transB: false, m: tk, n: dh, k: tq, a: dP, lda: tk, b: qb, ldb: c,
                                  beta: 1, c: dk + ok, ldc: c)
                    }
                    for m in 0..<nd {
                        diagonal[m].k.data.withUnsafeBufferPointer { dkk in
                            let kd = dkk.baseAddress! + o
                            for i in 0..<tq {
                                let w = dPd[m * tq + i]
                                for j in 0..<dh { dq[o + i * c + j] += w * kd[i * c + j] }
                            }
                        }
                        withBuf(diagonal[m].k, &gdk[m]) { gkd in
                            for i in 0..<tq {
                                let w = dPd[m * tq + i]
                                for j in 0..<dh { gkd[o + i * c + j] += w * qb[i * c + j] }
                            }
                        }
                    }
                } }
            } } }
            } } } } } } } }
        }
    }
}
