import Foundation
import TensorCore

/// `bench attention`: the attention op of one Quiet-STaR thought step alone, forward and backward,
/// at the sizes of `bench quietstar` (rows = batch * r = 8, L 128, d 128, 4 heads, causal prefix),
/// for 0, 5 and 9 diagonal (thought-cache) steps. Prints microseconds per call.
func runAttentionBench(_ args: [String]) {
    let o = IntOptions(args, defaults: ["threads": 2, "rows": 8, "ctx": 128, "d": 128, "heads": 4, "reps": 50],
                       command: "bench attention")
    BLAS.setThreads(o["threads"])
    let b = o["rows"], l = o["ctx"], d = o["d"], heads = o["heads"], reps = max(1, o["reps"])
    var rng = RNG(seed: 3)
    print("config: rows \(b) L \(l) d \(d) heads \(heads) threads \(o["threads"]); product kernel: \(BLAS.productKernelDescription)")
    for nd in [0, 5, 9] {
        let q = Tensor.randn([b, l, d], using: &rng, requiresGrad: true)
        let k = Tensor.randn([b, l, d], using: &rng, requiresGrad: true)
        let v = Tensor.randn([b, l, d], using: &rng, requiresGrad: true)
        let diag = (0..<nd).map { _ in
            DiagonalKV(k: Tensor.randn([b, l, d], using: &rng, requiresGrad: true),
                       v: Tensor.randn([b, l, d], using: &rng, requiresGrad: true))
        }
        let seed = (0..<(b * l * d)).map { _ in rng.normal() }
        var fwd: [Double] = [], bwd: [Double] = []
        for rep in 0..<(reps + 3) {
            let t0 = now()
            let y = Tensor.attention(q: q, k: k, v: v, heads: heads, mask: .causal, diagonal: diag)
            let t1 = now()
            y.backward(seed: seed)
            let t2 = now()
            if rep >= 3 { fwd.append(t1 - t0); bwd.append(t2 - t1) }
        }
        fwd.sort(); bwd.sort()
        print(String(format: "diagonal %d: forward_us %.1f backward_us %.1f", nd, fwd[fwd.count / 2] * 1e6,
                     bwd[bwd.count / 2] * 1e6))
    }
}
