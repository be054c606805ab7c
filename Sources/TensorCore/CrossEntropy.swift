import Foundation

/// Target value that marks a position to ignore (no loss, no gradient).
public let ignoreIndex = -1

extension Tensor {
    /// Per-row negative log-likelihood of integer targets, from logits (N, V):
    ///   nll_i = logsumexp(x_i) - x_i[t_i], and 0 where t_i == ignoreIndex.  Output (N).
    /// Pullback: dx_i = dnll_i * (softmax(x_i) - onehot(t_i)).
    public func nllPerRow(targets: [Int]) -> Tensor {
        let v = shape.last!, rows = count / v
        precondition(targets.count == rows, "nllPerRow: \(targets.count) targets for \(rows) rows")
        var nll = [Float](repeating: 0, count: rows)
        var probs = [Float](repeating: 0, count: count)  // softmax, kept for the pullback
        data.withUnsafeBufferPointer { xx in probs.withUnsafeMutableBufferPointer { pp in
            for r in 0..<rows {
                let t = targets[r]
                if t == ignoreIndex { continue }
                precondition(t >= 0 && t < v, "nllPerRow: target \(t) outside 0..<\(v)")
                let xp = xx.baseAddress! + r * v, pq = pp.baseAddress! + r * v
                var m = -Float.infinity
                for j in 0..<v { m = max(m, xp[j]) }
                let s = FastMath.expShiftSum(xp, pq, v, shift: m)
                let inv = 1 / s
                for j in 0..<v { pq[j] *= inv }
                nll[r] = m + Foundation.log(s) - xp[t]
            }
        } }
        let x = self
        var outShape = shape; outShape.removeLast()
        return Tensor(nll, shape: outShape, parents: [x]) { out in
            x.withGrad { gx in out.grad.withUnsafeBufferPointer { g in probs.withUnsafeBufferPointer { pp in
                for r in 0..<rows where targets[r] != ignoreIndex {
                    let b = r * v, gr = g[r]
                    for j in 0..<v { gx[b + j] += gr * pp[b + j] }
                    gx[b + targets[r]] -= gr
                }
            } } }
        }
    }

    /// Weighted mean cross-entropy over rows of logits (N, V):
    ///   loss = sum_i w_i nll_i / sum_i w_i over rows with t_i != ignoreIndex (w_i = 1 by default).
    /// Returns 0 when no row counts.
    public func crossEntropy(targets: [Int], weights: [Float]? = nil) -> Tensor {
        let rows = count / shape.last!
        var w = weights ?? [Float](repeating: 1, count: rows)
        precondition(w.count == rows, "crossEntropy: \(w.count) weights for \(rows) rows")
        for i in 0..<rows where targets[i] == ignoreIndex { w[i] = 0 }
        let total = w.reduce(0, +)
        let scaled = w.map { total > 0 ? $0 / total : 0 }
        let nll = nllPerRow(targets: targets)
        return (nll * Tensor(scaled, shape: nll.shape)).sum()
    }
}
