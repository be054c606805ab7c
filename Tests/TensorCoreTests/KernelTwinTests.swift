import XCTest
import Foundation
@testable import TensorCore

/// Fast kernels against simple twins, at sizes that exercise every code path (several row blocks,
/// a key/value cache offset, diagonal steps, parallel splits), and bit-identity across thread counts.
final class KernelTwinTests: XCTestCase {
    /// Plain triple-loop attention (per batch, head, query), values only, in Double.
    func referenceAttention(q: [Float], k: [Float], v: [Float], diag: [([Float], [Float])], b: Int, tq: Int, tk: Int,
                            c: Int, heads: Int, causal: Bool) -> [Float] {
        let dh = c / heads, off = tk - tq
        var y = [Float](repeating: 0, count: b * tq * c)
        for bi in 0..<b { for h in 0..<heads { for i in 0..<tq {
            var s: [Double] = [], vals: [[Double]] = []
            let qi = (0..<dh).map { Double(q[(bi * tq + i) * c + h * dh + $0]) }
            let visible = causal ? max(0, min(tk, i + off + 1)) : tk
            for j in 0..<visible {
                s.append(zip(qi, (0..<dh).map { Double(k[(bi * tk + j) * c + h * dh + $0]) }).map(*).reduce(0, +))
                vals.append((0..<dh).map { Double(v[(bi * tk + j) * c + h * dh + $0]) })
            }
            for (kd, vd) in diag {
                s.append(zip(qi, (0..<dh).map { Double(kd[(bi * tq + i) * c + h * dh + $0]) }).map(*).reduce(0, +))
                vals.append((0..<dh).map { Double(vd[(bi * tq + i) * c + h * dh + $0]) })
            }
            if s.isEmpty { continue }
            let sc = s.map { $0 / Double(dh).squareRoot() }
            let mx = sc.max()!
            let e = sc.map { Foundation.exp($0 - mx) }
            let tot = e.reduce(0, +)
            for d in 0..<dh {
                var acc = 0.0
                for (w, val) in zip(e, vals) { acc += w / tot * val[d] }
                y[(bi * tq + i) * c + h * dh + d] = Float(acc)
            }
        } } }
        return y
    }

    func testBlockedAttentionMatchesReference() {
        var rng = RNG(seed: 3)
        // Tq 75 (three row blocks and a ragged end), a cache of 5 earlier keys, 2 diagonal steps.
        for (tq, tk, nd, causal) in [(75, 80, 0, true), (75, 80, 2, true), (40, 40, 1, false), (9, 4, 0, true)] {
            let b = 2, c = 16, heads = 2
            let q = Tensor.randn([b, tq, c], using: &rng), k = Tensor.randn([b, tk, c], using: &rng)
            let v = Tensor.randn([b, tk, c], using: &rng)
            let diag = (0..<nd).map { _ in DiagonalKV(k: Tensor.randn([b, tq, c], using: &rng), v: Tensor.randn([b, tq, c], using: &rng)) }
            let y = Tensor.attention(q: q, k: k, v: v, heads: heads, mask: causal ? .causal : .none, diagonal: diag)
            let ref = referenceAttention(q: q.data, k: k.data, v: v.data, diag: diag.map { ($0.k.data, $0.v.data) },
                                         b: b, tq: tq, tk: tk, c: c, heads: heads, causal: causal)
            for (a, r) in zip(y.data, ref) { XCTAssertEqual(a, r, accuracy: 1e-4, "tq \(tq) tk \(tk) nd \(nd)") }
        }
    }

    /// Gradients of the blocked kernel (many row blocks) against the dense mask through primitives.
    func testBlockedAttentionGradientsMatchDenseMask() {
        var rng = RNG(seed: 4)
        let b = 1, tq = 70, tk = 73, c = 8, heads = 2, dh = c / heads, off = tk - tq
        let q = Tensor.randn([b, tq, c], using: &rng, requiresGrad: true)
        let k = Tensor.randn([b, tk, c], using: &rng, requiresGrad: true)
        let v = Tensor.randn([b, tk, c], using: &rng, requiresGrad: true)
        let proj = Tensor.randn([b, tq, c], using: &rng)
        (Tensor.attention(q: q, k: k, v: v, heads: heads, mask: .causal) * proj).sum().backward()
        let fast = [q.grad, k.grad, v.grad]
        for t in [q, k, v] { t.zeroGrad() }
        var m = [Float](repeating: -.infinity, count: tq * tk)
        for i in 0..<tq { for j in 0...(i + off) { m[i * tk + j] = 0 } }
        var outs: [Tensor] = []
        for h in 0..<heads {
            let qh = q.slice(axis: 2, h * dh..<(h + 1) * dh).reshaped([tq, dh])
            let kh = k.slice(axis: 2, h * dh..<(h + 1) * dh).reshaped([tk, dh])
            let vh = v.slice(axis: 2, h * dh..<(h + 1) * dh).reshaped([tk, dh])
            let s = qh.matmul(kh, transposeB: true) * (1 / Float(dh).squareRoot()) + Tensor(m, shape: [tq, tk])
            outs.append(s.softmax().matmul(vh).reshaped([b, tq, dh]))
        }
        (Tensor.concat(outs, axis: 2) * proj).sum().backward()
        for (f, r) in zip(fast, [q.grad, k.grad, v.grad]) {
            XCTAssertEqual(f.count, r.count)
            for (a, e) in zip(f, r) { XCTAssertEqual(a, e, accuracy: 1e-4) }
        }
    }

    /// The (batch, head) split of attention never changes a bit: 1 worker and 2 workers give identical
    /// values and gradients. (OpenBLAS itself may round differently with a different thread count, so
    /// the products here are below its threading threshold, and the whole-model check repeats one count.)
    /// The row-of-heads kernels of the diagonal cache equal the per-head dot / axpy bit for bit
    /// (head widths on the 8-lane path and one that falls back).
    func testHeadKernelsEqualPerHeadTwins() {
        var rng = RNG(seed: 12)
        for (heads, dh) in [(4, 32), (2, 8), (3, 16), (2, 6)] {
            let n = heads * dh, stride = 5
            let a = (0..<n).map { _ in rng.normal() }, b = (0..<n).map { _ in rng.normal() }
            let w = (0..<(heads * stride)).map { _ in rng.normal() }
            var fused = [Float](repeating: 9, count: heads * stride), twin = fused
            fused.withUnsafeMutableBufferPointer { headDots(a, b, heads: heads, dh: dh, scale: 0.3, into: $0.baseAddress!, stride: stride) }
            for h in 0..<heads {
                twin[h * stride] = a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in
                    dot(pa.baseAddress! + h * dh, pb.baseAddress! + h * dh, dh) } } * 0.3
            }
            XCTAssertEqual(fused.map(\.bitPattern), twin.map(\.bitPattern), "headDots heads \(heads) dh \(dh)")
            var y1 = b, y2 = b
            y1.withUnsafeMutableBufferPointer { headAxpys($0.baseAddress!, w, stride: stride, a, heads: heads, dh: dh) }
            y2.withUnsafeMutableBufferPointer { y in a.withUnsafeBufferPointer { pa in
                for h in 0..<heads { axpy(y.baseAddress! + h * dh, w[h * stride], pa.baseAddress! + h * dh, dh) }
            } }
            XCTAssertEqual(y1.map(\.bitPattern), y2.map(\.bitPattern), "headAxpys heads \(heads) dh \(dh)")
        }
    }

    func testAttentionIdenticalAcrossThreadCounts() {
        func run(threads: Int) -> [[Float]] {
            let saved = BLAS.threads
            BLAS.setThreads(threads)
            defer { BLAS.setThreads(saved) }
            var rng = RNG(seed: 9)
            let q = Tensor.randn([4, 50, 32], using: &rng, requiresGrad: true)
            let k = Tensor.randn([4, 50, 32], using: &rng, requiresGrad: true)
            let v = Tensor.randn([4, 50, 32], using: &rng, requiresGrad: true)
            let kd = Tensor.randn([4, 50, 32], using: &rng, requiresGrad: true)
            let vd = Tensor.randn([4, 50, 32], using: &rng, requiresGrad: true)
            let proj = Tensor.randn([4, 50, 32], using: &rng)
            let y = Tensor.attention(q: q, k: k, v: v, heads: 4, mask: .causal, diagonal: [DiagonalKV(k: kd, v: vd)])
            (y * proj).sum().backward()
            return [y.data, q.grad, k.grad, v.grad, kd.grad, vd.grad]
        }
        XCTAssertTrue(run(threads: 1) == run(threads: 2), "attention differs between 1 and 2 workers")
    }

    /// A small model-shaped computation, twice with 2 threads: bit-identical.
    func testRepeatedRunsBitIdentical() {
        func run() -> [[Float]] {
            let saved = BLAS.threads
            BLAS.setThreads(2)
            defer { BLAS.setThreads(saved) }
            var rng = RNG(seed: 9)
            let x = Tensor.randn([4, 50, 32], using: &rng, requiresGrad: true)
            let w = Tensor.randn([32, 96], std: 0.2, using: &rng, requiresGrad: true)
            let bias = Tensor.randn([96], using: &rng, requiresGrad: true)
            let g = Tensor.randn([32], using: &rng, requiresGrad: true), be = Tensor.randn([32], using: &rng, requiresGrad: true)
            let h = x.layerNorm(gamma: g, beta: be)
            let a = h.linear(w, bias: bias)
            let y = Tensor.attention(q: a.slice(axis: 2, 0..<32), k: a.slice(axis: 2, 32..<64),
                                     v: a.slice(axis: 2, 64..<96), heads: 4, mask: .causal)
            let out = (x + y).gelu()
            let loss = out.reshaped([200, 32]).crossEntropy(targets: (0..<200).map { $0 % 32 })
            loss.backward()
            return [loss.data, x.grad, w.grad, bias.grad, g.grad, be.grad]
        }
        let first = run()
        for _ in 0..<3 { XCTAssertTrue(run() == first, "a repeated run differs") }
    }
}

extension KernelTwinTests {
    /// The fused affine op against matmul + broadcast add: values and gradients.
    func testLinearMatchesMatmulPlusBias() {
        var rng = RNG(seed: 11)
        let x = Tensor.randn([3, 5, 7], using: &rng, requiresGrad: true)
        let w = Tensor.randn([7, 6], using: &rng, requiresGrad: true), b = Tensor.randn([6], using: &rng, requiresGrad: true)
        let proj = Tensor.randn([3, 5, 6], using: &rng)
        let y1 = x.linear(w, bias: b)
        (y1 * proj).sum().backward()
        let g1 = [x.grad, w.grad, b.grad]
        for t in [x, w, b] { t.zeroGrad() }
        let y2 = x.matmul(w) + b
        (y2 * proj).sum().backward()
        XCTAssertEqual(y1.shape, y2.shape)
        for (a, e) in zip(y1.data, y2.data) { XCTAssertEqual(a, e, accuracy: 1e-5) }
        for (ga, gb) in zip(g1, [x.grad, w.grad, b.grad]) {
            XCTAssertEqual(ga.count, gb.count)
            for (a, e) in zip(ga, gb) { XCTAssertEqual(a, e, accuracy: 1e-4) }
        }
    }

    /// Layer norm and GELU split rows / lanes over the cores above a size threshold: 1 and 2 workers
    /// give identical values and gradients, and match the serial formulas.
    func testRowParallelOpsIdenticalAcrossThreadCounts() {
        func run(threads: Int) -> [[Float]] {
            let saved = BLAS.threads
            BLAS.setThreads(threads)
            defer { BLAS.setThreads(saved) }
            var rng = RNG(seed: 12)
            let x = Tensor.randn([300, 131], using: &rng, requiresGrad: true)  // above both thresholds, ragged
            let g = Tensor.randn([131], using: &rng, requiresGrad: true), b = Tensor.randn([131], using: &rng, requiresGrad: true)
            let h = x.layerNorm(gamma: g, beta: b)
            let y = (h * Float(3)).gelu()
            let proj = Tensor.randn(y.shape, using: &rng)
            (y * proj).sum().backward()
            return [h.data, y.data, x.grad, g.grad, b.grad]
        }
        let one = run(threads: 1), two = run(threads: 2)
        XCTAssertTrue(one == two, "layer norm / GELU differ between 1 and 2 workers")
        // Against the scalar formula (Double), values only.
        var rng = RNG(seed: 12)
        let x = Tensor.randn([300, 131], using: &rng)
        let g = Tensor.randn([131], using: &rng), b = Tensor.randn([131], using: &rng)
        for r in stride(from: 0, to: 300, by: 37) {
            let row = (0..<131).map { Double(x.data[r * 131 + $0]) }
            let mu = row.reduce(0, +) / 131
            let v = row.map { ($0 - mu) * ($0 - mu) }.reduce(0, +) / 131
            for j in 0..<131 {
                let ref = (row[j] - mu) / (v + 1e-5).squareRoot() * Double(g.data[j]) + Double(b.data[j])
                XCTAssertEqual(Double(one[0][r * 131 + j]), ref, accuracy: 1e-4)
            }
        }
    }
}

extension KernelTwinTests {
    /// Large products are cut into row blocks over the workers, each block one single-threaded
    /// product: for every layout the split result equals the unsplit one bit for bit (1 vs 2 and 3
    /// workers), with beta 0 and beta 1, at shapes of the model and ragged ones, on both kernels.
    func testSplitGemmIdenticalToUnsplit() {
        for kernel in ProductKernel.allCases {
            let saved = BLAS.productKernel
            BLAS.productKernel = kernel
            defer { BLAS.productKernel = saved }
            splitGemmIdenticalToUnsplit()
        }
    }

    /// OpenBLAS products are cut only on cores whose row chunking is known (see openBLASSplitRows).
    func testOpenBLASSplitOnlyOnMeasuredCores() {
        XCTAssertEqual(openBLASSplitRows(core: "Haswell"), 12)
        XCTAssertEqual(openBLASSplitRows(core: "Zen"), 12)
        XCTAssertNil(openBLASSplitRows(core: "SkylakeX"))
        XCTAssertNil(openBLASSplitRows(core: "Cooperlake"))
        XCTAssertNil(openBLASSplitRows(core: "SomeFutureCore"))
    }

    private func splitGemmIdenticalToUnsplit() {
        let shapes: [(m: Int, n: Int, k: Int)] = [(1024, 384, 128), (128, 384, 1024), (1024, 64, 128),
                                                 (333, 130, 77), (97, 301, 129), (40, 40, 700)]
        var rng = RNG(seed: 21)
        BLAS.setThreads(BLAS.threads)
        XCTAssertEqual(BLAS.openBLASThreads, 1, "OpenBLAS must run single-threaded")
        for (m, n, k) in shapes {
            XCTAssertGreaterThanOrEqual(m * n * k, gemmSplitThreshold, "shape below the split threshold")
            for (ta, tb) in [(false, false), (false, true), (true, false), (true, true)] {
                let a = Tensor.randn([m * k], using: &rng).data, b = Tensor.randn([k * n], using: &rng).data
                let c0 = Tensor.randn([m * n], using: &rng).data
                let lda = ta ? m : k, ldb = tb ? k : n
                for beta: Float in [0, 1] {
                    func run(_ workers: Int) -> [Float] {
                        var c = c0
                        a.withUnsafeBufferPointer { aa in b.withUnsafeBufferPointer { bb in c.withUnsafeMutableBufferPointer { cc in
                            splitGemm(transA: ta, transB: tb, m: m, n: n, k: k, alpha: 0.5, a: aa.baseAddress!, lda: lda,
                                      b: bb.baseAddress!, ldb: ldb, beta: beta, c: cc.baseAddress!, ldc: n, workers: workers)
                        } } }
                        return c
                    }
                    let one = run(1)
                    XCTAssertTrue(one == run(2), "split gemm (2 workers) differs: \(m)x\(n)x\(k) \(ta) \(tb) beta \(beta)")
                    XCTAssertTrue(one == run(3), "split gemm (3 workers) differs: \(m)x\(n)x\(k) \(ta) \(tb) beta \(beta)")
                }
            }
        }
    }

    /// matmul (plain and transposed), bmm and linear above the split threshold: values and every
    /// gradient bit-identical between 1 and 2 workers.
    func testMatMulOpsIdenticalAcrossThreadCounts() {
        func run(threads: Int) -> [[Float]] {
            let saved = BLAS.threads
            BLAS.setThreads(threads)
            defer { BLAS.setThreads(saved) }
            var rng = RNG(seed: 22)
            let x = Tensor.randn([4, 130, 96], using: &rng, requiresGrad: true)
            let w = Tensor.randn([96, 200], std: 0.1, using: &rng, requiresGrad: true)
            let bias = Tensor.randn([200], using: &rng, requiresGrad: true)
            let e = Tensor.randn([70, 200], std: 0.1, using: &rng, requiresGrad: true)
            let y = x.linear(w, bias: bias).gelu()               // (4, 130, 200)
            let z = y.matmul(e, transposeB: true)                // (4, 130, 70)
            let u = z.matmul(e)                                   // (4, 130, 200)
            let p = Tensor.randn([4, 200, 90], std: 0.1, using: &rng, requiresGrad: true)
            let s = u.bmm(p)                                      // (4, 130, 90)
            let t = s.bmm(s, transposeA: true)                    // (4, 90, 90)
            let proj = Tensor.randn(t.shape, using: &rng)
            (t * proj).sum().backward()
            return [t.data, x.grad, w.grad, bias.grad, e.grad, p.grad]
        }
        XCTAssertTrue(run(threads: 1) == run(threads: 2), "matrix products differ between 1 and 2 workers")
    }
}

extension KernelTwinTests {
    /// Element-wise ops, slices, concat and layer norm's parameter gradients split their work over the
    /// cores above a size threshold: 1 and 2 workers give identical values and gradients.
    func testElementwiseAndShapeOpsIdenticalAcrossThreadCounts() {
        func run(threads: Int) -> [[Float]] {
            let saved = BLAS.threads
            BLAS.setThreads(threads)
            defer { BLAS.setThreads(saved) }
            var rng = RNG(seed: 23)
            let x = Tensor.randn([3, 250, 131], using: &rng, requiresGrad: true)   // ragged, above thresholds
            let y = Tensor.randn([3, 250, 131], using: &rng, requiresGrad: true)
            let bias = Tensor.randn([131], using: &rng, requiresGrad: true)
            let g = Tensor.randn([131], using: &rng, requiresGrad: true), b = Tensor.randn([131], using: &rng, requiresGrad: true)
            let s = ((x + y) * Float(0.7) + bias).relu()
            let parts = [s.slice(axis: 2, 0..<40), s.slice(axis: 2, 40..<131), x.slice(axis: 1, 10..<240)]
            let c = Tensor.concat([parts[1], parts[0]], axis: 2) + y
            let h = c.layerNorm(gamma: g, beta: b).tanh()
            let proj = Tensor.randn(h.shape, using: &rng), proj2 = Tensor.randn(parts[2].shape, using: &rng)
            // Embedding lookup above the split size, indices repeating (the pullback's scatter-add).
            let table = Tensor.randn([50, 131], using: &rng, requiresGrad: true)
            let picked = table.gatherRows((0..<600).map { ($0 * 7) % 50 })
            let proj3 = Tensor.randn(picked.shape, using: &rng)
            ((h * proj).sum() + (parts[2] * proj2).sum() + (picked * proj3).sum()).backward()
            return [h.data, x.grad, y.grad, bias.grad, g.grad, b.grad, picked.data, table.grad]
        }
        XCTAssertTrue(run(threads: 1) == run(threads: 2), "element-wise / shape ops differ between 1 and 2 workers")
    }
}

extension KernelTwinTests {
    /// Parallel.forEach runs every index exactly once, in many back-to-back sections (helpers
    /// spinning or asleep), in a section started from inside another one (run inline), and when two
    /// threads start sections at the same time.
    func testParallelForEachRunsEveryIndexOnce() {
        let saved = BLAS.threads
        BLAS.setThreads(2)
        defer { BLAS.setThreads(saved) }
        final class Counts: @unchecked Sendable {
            var c: [Int]
            init(_ n: Int) { c = [Int](repeating: 0, count: n) }
        }
        for round in 0..<2000 {
            let n = 1 + round % 37
            let counts = Counts(n)
            counts.c.withUnsafeMutableBufferPointer { p in
                let base = p.baseAddress!
                Parallel.forEach(n) { r in for i in r { base[i] += 1 } }
            }
            XCTAssertEqual(counts.c, [Int](repeating: 1, count: n), "round \(round)")
            if round % 500 == 0 { usleep(2_000) }  // let the helpers fall asleep now and then
        }
        let nested = Counts(64)
        nested.c.withUnsafeMutableBufferPointer { p in
            let base = p.baseAddress!
            Parallel.forEach(8) { outer in
                for o in outer { Parallel.forEach(8) { inner in for i in inner { base[o * 8 + i] += 1 } } }
            }
        }
        XCTAssertEqual(nested.c, [Int](repeating: 1, count: 64))
        let a = Counts(300), b = Counts(300)
        DispatchQueue.concurrentPerform(iterations: 2) { t in
            let target = t == 0 ? a : b
            for _ in 0..<200 {
                target.c.withUnsafeMutableBufferPointer { p in
                    let base = p.baseAddress!
                    Parallel.forEach(300) { r in for i in r { base[i] += 1 } }
                }
            }
        }
        XCTAssertEqual(a.c, [Int](repeating: 200, count: 300))
        XCTAssertEqual(b.c, [Int](repeating: 200, count: 300))
    }
}

extension KernelTwinTests {
    /// Row-major op(A) (M, K) from a buffer stored (M, K) or, transposed, (K, M), with row stride lda.
    private func element(_ x: [Float], transposed: Bool, ld: Int, _ i: Int, _ j: Int) -> Double {
        Double(transposed ? x[j * ld + i] : x[i * ld + j])
    }

    /// Ragged (m, n, k) around the 8 x 32 tile and the 256-deep k blocks, for the SIMD kernel's tests.
    static let gemmShapes: [(Int, Int, Int)] = [(1, 1, 1), (7, 33, 5), (8, 32, 256), (9, 31, 257), (17, 65, 513),
                                                (64, 1, 128), (40, 96, 32), (100, 70, 300)]
    /// (transA, transB): every layout.
    static let gemmLayouts: [(Bool, Bool)] = [(false, false), (false, true), (true, false), (true, true)]

    /// The SIMD kernel against a double-precision reference and against OpenBLAS (its twin): every
    /// layout, ragged shapes around the 8 x 32 tile and the 256-deep k blocks, row strides larger
    /// than the widths, alpha/beta combinations. Entries of C outside the product stay untouched.
    func testSIMDGemmMatchesReferenceAndOpenBLAS() {
        var rng = RNG(seed: 31)
        for (m, n, k) in Self.gemmShapes {
            for (ta, tb) in Self.gemmLayouts {
                for (alpha, beta): (Float, Float) in [(1, 0), (1, 1), (0.5, -2)] {
                    let lda = (ta ? m : k) + 3, ldb = (tb ? k : n) + 2, ldc = n + 5
                    let a = (0..<((ta ? k : m) * lda)).map { _ in rng.normal() }
                    let b = (0..<((tb ? n : k) * ldb)).map { _ in rng.normal() }
                    let c0 = (0..<(m * ldc)).map { _ in rng.normal() }
                    func run(_ kernel: ProductKernel) -> [Float] {
                        let saved = BLAS.productKernel
                        BLAS.productKernel = kernel
                        defer { BLAS.productKernel = saved }
                        var c = c0
                        BLAS.multiply(transA: ta, transB: tb, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
                                      beta: beta, c: &c, ldc: ldc)
                        return c
                    }
                    let simd = run(.simd), blas = run(.openblas)
                    let what = "\(m)x\(n)x\(k) ta \(ta) tb \(tb) alpha \(alpha) beta \(beta)"
                    for i in 0..<m { for j in 0..<ldc {
                        let at = i * ldc + j
                        if j >= n { XCTAssertEqual(simd[at].bitPattern, c0[at].bitPattern, "outside C touched: \(what)"); continue }
                        var dot = 0.0, mag = 0.0
                        for t in 0..<k {
                            let p = element(a, transposed: ta, ld: lda, i, t) * element(b, transposed: tb, ld: ldb, t, j)
                            dot += p; mag += abs(p)
                        }
                        let ref = Double(alpha) * dot + (beta == 0 ? 0 : Double(beta) * Double(c0[at]))
                        let tol = 1e-5 * (Double(abs(alpha)) * mag + Double(abs(beta * c0[at]))) + 1e-6
                        XCTAssertEqual(Double(simd[at]), ref, accuracy: tol, "simd vs reference: \(what) at \(i),\(j)")
                        XCTAssertEqual(Double(simd[at]), Double(blas[at]), accuracy: 2 * tol, "simd vs openblas: \(what)")
                    } }
                }
            }
        }
    }

    /// beta 0 never reads C (NaN there does not leak), k = 0 gives beta C.
    func testSIMDGemmBetaZeroAndEmptyK() {
        var rng = RNG(seed: 32)
        let m = 13, n = 40, k = 20
        let a = (0..<(m * k)).map { _ in rng.normal() }, b = (0..<(k * n)).map { _ in rng.normal() }
        var nanC = [Float](repeating: .nan, count: m * n), zeroC = [Float](repeating: 0, count: m * n)
        SIMDGemm.gemm(transA: false, transB: false, m: m, n: n, k: k, alpha: 1, a: a, lda: k, b: b, ldb: n,
                      beta: 0, c: &nanC, ldc: n)
        SIMDGemm.gemm(transA: false, transB: false, m: m, n: n, k: k, alpha: 1, a: a, lda: k, b: b, ldb: n,
                      beta: 1, c: &zeroC, ldc: n)
        XCTAssertEqual(nanC.map(\.bitPattern), zeroC.map(\.bitPattern))
        var c = (0..<(m * n)).map { Float($0) }
        SIMDGemm.gemm(transA: false, transB: false, m: m, n: n, k: 0, alpha: 1, a: a, lda: k, b: b, ldb: n,
                      beta: 0.5, c: &c, ldc: n)
        XCTAssertEqual(c, (0..<(m * n)).map { Float($0) * 0.5 })
    }

    /// Any block of rows or columns of a product, computed on its own, has the bits of the same
    /// block of the whole product (cuts inside tiles and inside k blocks' reach included).
    func testSIMDGemmBlocksBitIdenticalToWhole() {
        var rng = RNG(seed: 33)
        let m = 45, n = 77, k = 300
        for (ta, tb) in [(false, false), (false, true), (true, false), (true, true)] {
            let lda = ta ? m : k, ldb = tb ? k : n
            let a = (0..<(m * k)).map { _ in rng.normal() }, b = (0..<(k * n)).map { _ in rng.normal() }
            let c0 = (0..<(m * n)).map { _ in rng.normal() }
            var whole = c0
            SIMDGemm.gemm(transA: ta, transB: tb, m: m, n: n, k: k, alpha: 0.7, a: a, lda: lda, b: b, ldb: ldb,
                          beta: 1, c: &whole, ldc: n)
            var pieces = c0
            a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in pieces.withUnsafeMutableBufferPointer { pc in
                for (r0, r1) in [(0, 13), (13, 21), (21, 45)] {
                    for (c0, c1) in [(0, 5), (5, 38), (38, 77)] {
                        SIMDGemm.gemm(transA: ta, transB: tb, m: r1 - r0, n: c1 - c0, k: k, alpha: 0.7,
                                      a: pa.baseAddress! + (ta ? r0 : r0 * lda), lda: lda,
                                      b: pb.baseAddress! + (tb ? c0 * ldb : c0), ldb: ldb,
                                      beta: 1, c: pc.baseAddress! + r0 * n + c0, ldc: n)
                    }
                }
            } } }
            XCTAssertEqual(whole.map(\.bitPattern), pieces.map(\.bitPattern), "blocks differ: ta \(ta) tb \(tb)")
        }
    }
}

extension KernelTwinTests {
    /// A product with a bias equals filling every row of C with the bias and multiplying with beta 1,
    /// bit for bit, on both kernels, split over workers or not, for ragged shapes and k blocks.
    func testGemmWithBiasEqualsFilledRows() {
        var rng = RNG(seed: 34)
        for kernel in ProductKernel.allCases {
            let saved = BLAS.productKernel
            BLAS.productKernel = kernel
            defer { BLAS.productKernel = saved }
            for (m, n, k) in [(300, 70, 290), (9, 33, 4), (1024, 96, 128)] {
                for (ta, tb) in [(false, false), (true, true)] {
                    let lda = ta ? m : k, ldb = tb ? k : n
                    let a = (0..<(m * k)).map { _ in rng.normal() }, b = (0..<(k * n)).map { _ in rng.normal() }
                    let bias = (0..<n).map { _ in rng.normal() }
                    var filled = [Float](repeating: 0, count: m * n)
                    for i in 0..<m { for j in 0..<n { filled[i * n + j] = bias[j] } }
                    BLAS.multiply(transA: ta, transB: tb, m: m, n: n, k: k, alpha: 1, a: a, lda: lda, b: b, ldb: ldb,
                                  beta: 1, c: &filled, ldc: n)
                    for workers in [1, 2] {
                        var c = [Float](repeating: .nan, count: m * n)
                        splitGemm(transA: ta, transB: tb, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, beta: 0,
                                  c: &c, ldc: n, workers: workers, bias: bias)
                        XCTAssertEqual(c.map(\.bitPattern), filled.map(\.bitPattern),
                                       "\(kernel) \(m)x\(n)x\(k) ta \(ta) tb \(tb) workers \(workers)")
                    }
                }
            }
        }
    }
}

extension KernelTwinTests {
    /// GELU's pullback (16 lanes at a time, then a scalar tail) equals the plain scalar formula bit
    /// for bit, accumulating and fresh.
    func testGeluBackwardEqualsScalarTwin() {
        var rng = RNG(seed: 35)
        let n = 16 * 5 + 7
        let x = (0..<n).map { _ in 3 * rng.normal() }, g = (0..<n).map { _ in rng.normal() }
        let t = x.map { Foundation.tanh(FastMath.geluC * ($0 + FastMath.geluA * $0 * $0 * $0)) }
        let start = (0..<n).map { _ in rng.normal() }
        for fresh in [false, true] {
            var fast = fresh ? [Float](repeating: .nan, count: n) : start
            x.withUnsafeBufferPointer { xx in t.withUnsafeBufferPointer { tt in g.withUnsafeBufferPointer { gg in
                fast.withUnsafeMutableBufferPointer { FastMath.geluBackward(xx, tt, gg, $0, fresh: fresh) }
            } } }
            let twin = (0..<n).map { i -> Float in
                let v = x[i], th = t[i]
                let du = FastMath.geluC * (1 + 3 * FastMath.geluA * v * v)
                return (fresh ? 0 : start[i]) + g[i] * (0.5 * (1 + th) + 0.5 * v * (1 - th * th) * du)
            }
            XCTAssertEqual(fast.map(\.bitPattern), twin.map(\.bitPattern), "fresh \(fresh)")
        }
    }
}

extension KernelTwinTests {
    /// The two register layouts of the SIMD kernel's tile (`SIMDGemm.Tiling`: one pass of SIMD16
    /// accumulators, or four passes of SIMD8 ones) give the same bits: every layout, ragged shapes
    /// around the tile and the k blocks, alpha / beta combinations, with and without a bias. The
    /// machine's own choice is checked against the reference and OpenBLAS by the tests above.
    func testSIMDGemmTilingsBitIdentical() {
        var rng = RNG(seed: 35)
        for (m, n, k) in Self.gemmShapes {
            for (ta, tb) in Self.gemmLayouts {
                for (alpha, beta, withBias): (Float, Float, Bool) in [(1, 0, false), (1, 1, false), (0.5, -2, false), (1, 0, true)] {
                    let lda = (ta ? m : k) + 3, ldb = (tb ? k : n) + 2, ldc = n + 5
                    let a = (0..<((ta ? k : m) * lda)).map { _ in rng.normal() }
                    let b = (0..<((tb ? n : k) * ldb)).map { _ in rng.normal() }
                    let c0 = (0..<(m * ldc)).map { _ in rng.normal() }
                    let bias = (0..<n).map { _ in rng.normal() }
                    func run(_ tiling: SIMDGemm.Tiling) -> [Float] {
                        let saved = SIMDGemm.tiling
                        SIMDGemm.tiling = tiling
                        defer { SIMDGemm.tiling = saved }
                        var c = c0
                        bias.withUnsafeBufferPointer { pbias in
                            SIMDGemm.gemm(transA: ta, transB: tb, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b,
                                          ldb: ldb, beta: beta, c: &c, ldc: ldc, bias: withBias ? pbias.baseAddress! : nil)
                        }
                        return c
                    }
                    let wide = run(.wide), narrow = run(.narrow)
                    XCTAssertEqual(wide.map(\.bitPattern), narrow.map(\.bitPattern),
                                   "tilings differ: \(m)x\(n)x\(k) ta \(ta) tb \(tb) alpha \(alpha) beta \(beta) bias \(withBias)")
                    XCTAssertNotEqual(wide.map(\.bitPattern), c0.map(\.bitPattern), "product wrote nothing")
                }
            }
        }
    }
}
