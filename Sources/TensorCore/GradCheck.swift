/// Numeric gradient checks (central differences), used by every module's tests.
///
/// For a scalar function f of the leaves `inputs`, the analytic gradient from `backward()` is
/// compared with (f(x + eps e_i) - f(x - eps e_i)) / (2 eps) at up to `maxEntries` entries per input
/// (spread over the tensor). Passes when |analytic - numeric| <= atol + rtol * max(|a|, |n|) everywhere.
public enum GradCheck {
    public struct Report: CustomStringConvertible {
        public var checked = 0
        public var failures: [String] = []
        public var maxError: Float = 0
        public var passed: Bool { failures.isEmpty && checked > 0 }
        public var description: String {
            passed ? "gradcheck ok: \(checked) entries, max error \(maxError)"
                   : "gradcheck FAILED (\(failures.count) of \(checked)):\n" + failures.prefix(8).joined(separator: "\n")
        }
    }

    public static func check(_ inputs: [Tensor], eps: Float = 1e-2, rtol: Float = 2e-2, atol: Float = 2e-3,
                             maxEntries: Int = 24, _ f: () -> Tensor) -> Report {
        for x in inputs { x.zeroGrad() }
        let loss = f()
        loss.backward()
        let analytic = inputs.map { $0.grad.isEmpty ? [Float](repeating: 0, count: $0.count) : $0.grad }
        var report = Report()
        for (n, x) in inputs.enumerated() {
            let stride = max(1, x.count / maxEntries)
            for i in Swift.stride(from: 0, to: x.count, by: stride) {
                let old = x.data[i]
                x.data[i] = old + eps
                let up = f().item
                x.data[i] = old - eps
                let down = f().item
                x.data[i] = old
                let num = (up - down) / (2 * eps)
                let a = analytic[n][i]
                let err = abs(a - num)
                report.checked += 1
                report.maxError = max(report.maxError, err)
                if err > atol + rtol * max(abs(a), abs(num)) {
                    report.failures.append("input \(n) \(x.name) \(x.shape) entry \(i): analytic \(a), numeric \(num)")
                }
            }
        }
        for x in inputs { x.zeroGrad() }
        return report
    }

    /// Directional check for many parameters at once: with a random direction u,
    /// (f(p + eps u) - f(p - eps u)) / (2 eps) must equal sum_i grad_i . u_i.
    /// Each tensor's share of u is scaled by its RMS (at least 0.01), so that a step of eps is a small
    /// RELATIVE change for every parameter (small embeddings feeding a layer norm would otherwise be
    /// pushed far outside their linear range). Returns (analytic, numeric).
    public static func directional(_ params: [Tensor], eps: Float = 1e-2, seed: UInt64 = 7,
                                   _ f: () -> Tensor) -> (analytic: Double, numeric: Double) {
        var rng = RNG(seed: seed)
        let dirs = params.map { p -> [Float] in
            let rms = max(0.01, (p.data.reduce(0) { $0 + $1 * $1 } / Float(max(p.count, 1))).squareRoot())
            return (0..<p.count).map { _ in rng.normal() * rms }
        }
        for p in params { p.zeroGrad() }
        f().backward()
        var analytic = 0.0
        for (p, u) in zip(params, dirs) where !p.grad.isEmpty {
            for i in 0..<p.count { analytic += Double(p.grad[i]) * Double(u[i]) }
        }
        func shifted(_ s: Float) -> Double {
            let saved = params.map(\.data)
            for (p, u) in zip(params, dirs) { for i in 0..<p.count { p.data[i] += s * u[i] } }
            let v = Double(f().item)
            for (p, d) in zip(params, saved) { p.data = d }
            return v
        }
        let numeric = (shifted(eps) - shifted(-eps)) / (2 * Double(eps))
        for p in params { p.zeroGrad() }
        return (analytic, numeric)
    }
}
