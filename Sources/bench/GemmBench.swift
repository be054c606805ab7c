import Foundation
import TensorCore

/// `bench gemm`: single-threaded products at the shapes of a Quiet-STaR step (d 128, rows 1024) and of
/// its attention blocks, on the suite's SIMD kernel and on OpenBLAS, in the same run. Prints GFLOP/s
/// of each and their ratio.
func runGemmBench(_ args: [String]) {
    let o = IntOptions(args, defaults: ["reps": 5], command: "bench gemm")
    BLAS.setThreads(1)
    print("openblas kernel: \(BLAS.coreName); suite kernel: \(BLAS.productKernelDescription)")
    // (name, transA, transB, m, n, k, lda, ldb, ldc)
    let shapes: [(String, Bool, Bool, Int, Int, Int)] = [
        ("qkv forward      x W", false, false, 1024, 384, 128),
        ("fc forward       x W", false, false, 1024, 512, 128),
        ("fc2 forward      x W", false, false, 1024, 128, 512),
        ("qkv dx        dy W^T", false, true, 1024, 128, 384),
        ("fc2 dx        dy W^T", false, true, 1024, 512, 128),
        ("qkv dW        x^T dy", true, false, 128, 384, 1024),
        ("fc2 dW        x^T dy", true, false, 512, 128, 1024),
        ("lm head      h wte^T", false, true, 1024, 64, 128),
        ("attn scores  q k^T  ", false, true, 32, 96, 32),
        ("attn values  p v    ", false, false, 32, 32, 96),
        ("attn dv      p^T do ", true, false, 96, 32, 32),
    ]
    var rng = RNG(seed: 5)
    var totalFlops = 0.0, totalSIMD = 0.0, totalBLAS = 0.0
    for (name, ta, tb, m, n, k) in shapes {
        let a = (0..<(m * k)).map { _ in rng.normal() }, b = (0..<(k * n)).map { _ in rng.normal() }
        var c = [Float](repeating: 0, count: m * n)
        let lda = ta ? m : k, ldb = tb ? k : n
        let flops = 2.0 * Double(m * n * k)
        let reps = max(1, Int(2e8 / flops))
        func time(_ kernel: ProductKernel) -> Double {
            let saved = BLAS.productKernel
            BLAS.productKernel = kernel
            defer { BLAS.productKernel = saved }
            var best = Double.infinity
            for _ in 0..<max(1, o["reps"]) {
                let t0 = now()
                a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in c.withUnsafeMutableBufferPointer { pc in
                    for _ in 0..<reps {
                        BLAS.multiply(transA: ta, transB: tb, m: m, n: n, k: k, a: pa.baseAddress!, lda: lda,
                                      b: pb.baseAddress!, ldb: ldb, beta: 0, c: pc.baseAddress!, ldc: n)
                    }
                } } }
                best = min(best, (now() - t0) / Double(reps))
            }
            return best
        }
        let ts = time(.simd), tb2 = time(.openblas)
        totalFlops += flops; totalSIMD += ts; totalBLAS += tb2
        print(String(format: "%@  %4dx%4dx%4d  simd %6.1f GFLOP/s  openblas %6.1f GFLOP/s  ratio %.2f",
                     name, m, n, k, flops / ts / 1e9, flops / tb2 / 1e9, tb2 / ts))
    }
    print(String(format: "all shapes once: simd %.1f GFLOP/s, openblas %.1f GFLOP/s, speedup %.2f",
                 totalFlops / totalSIMD / 1e9, totalFlops / totalBLAS / 1e9, totalBLAS / totalSIMD))
}
