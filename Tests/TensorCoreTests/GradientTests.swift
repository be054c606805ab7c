import XCTest
@testable import TensorCore

/// Central-difference gradient checks for every op, through a random projection so that every
/// output entry matters: loss = sum(op(x) * R).
final class GradientTests: XCTestCase {
    var rng = RNG(seed: 1234)

    func param(_ shape: [Int], std: Float = 1, name: String = "x") -> Tensor {
        let t = Tensor.randn(shape, std: std, using: &rng, requiresGrad: true)
        t.name = name
        return t
    }

    /// loss = sum(y * R) for a fixed random R of y's shape.
    func projected(_ make: @escaping () -> Tensor) -> () -> Tensor {
        var r: Tensor? = nil
        var local = RNG(seed: 99)
        return {
            let y = make()
            if r == nil { r = Tensor.randn(y.shape, using: &local) }
            return (y * r!).sum()
        }
    }

    func assertGrad(_ inputs: [Tensor], eps: Float = 1e-2, file: StaticString = #filePath, line: UInt = #line,
                    _ make: @escaping () -> Tensor) {
        let report = GradCheck.check(inputs, eps: eps, projected(make))
        XCTAssertTrue(report.passed, report.description, file: file, line: line)
    }

    func testAddSubMulBroadcast() {
        let a = param([2, 3, 4]), b = param([4]), c = param([2, 3, 4]), s = param([1])
        assertGrad([a, b]) { a + b }
        assertGrad([a, c]) { a - c }
        assertGrad([a, c]) { a * c }
        assertGrad([a, b]) { a * b }
        assertGrad([a, s]) { a * s }
        assertGrad([a]) { a * Float(2.5) + Float(1) }
        assertGrad([a]) { -a }
    }

    func testUnary() {
        let a = param([3, 5])
        assertGrad([a]) { a.exp() }
        assertGrad([a]) { a.tanh() }
        assertGrad([a]) { a.gelu() }
        assertGrad([a]) { a.sigmoid() }
        assertGrad([a]) { a.square() }
        let pos = Tensor(a.data.map { abs($0) + 0.5 }, shape: a.shape, requiresGrad: true)
        assertGrad([pos]) { pos.log() }
        // relu: keep entries away from the kink.
        let r = Tensor(a.data.map { $0 > 0 ? $0 + 0.1 : $0 - 0.1 }, shape: a.shape, requiresGrad: true)
        assertGrad([r]) { r.relu() }
        assertGrad([a]) { a.scaleGradient(1) }
    }

    func testReductions() {
        let a = param([2, 3, 4])
        assertGrad([a]) { a.sum(axis: 0) }
        assertGrad([a]) { a.sum(axis: 1) }
        assertGrad([a]) { a.mean(axis: 2) }
        assertGrad([a]) { a.sum() }
        assertGrad([a]) { a.mean() }
    }

    func testShapeOps() {
        let a = param([2, 3, 4]), b = param([2, 2, 4]), t = param([5, 3])
        assertGrad([a]) { a.reshaped([6, 4]) }
        assertGrad([a]) { a.permuted([2, 0, 1]) }
        assertGrad([a]) { a.transposed() }
        assertGrad([a]) { a.slice(axis: 1, 1..<3) }
        assertGrad([a, b]) { Tensor.concat([a, b], axis: 1) }
        assertGrad([t]) { t.gatherRows([4, 0, 4, 2], shape: [2, 2]) }
    }

    func testMatmul() {
        let a = param([2, 3, 4]), b = param([4, 5]), bt = param([5, 4])
        assertGrad([a, b]) { a.matmul(b) }
        assertGrad([a, bt]) { a.matmul(bt, transposeB: true) }
        let bias = param([5], name: "bias")
        assertGrad([a, b, bias]) { a.linear(b, bias: bias) }
        let x = param([3, 2, 4]), y = param([3, 4, 5]), xt = param([3, 4, 2]), yt = param([3, 5, 4])
        assertGrad([x, y]) { x.bmm(y) }
        assertGrad([xt, y]) { xt.bmm(y, transposeA: true) }
        assertGrad([x, yt]) { x.bmm(yt, transposeB: true) }
        assertGrad([xt, yt]) { xt.bmm(yt, transposeA: true, transposeB: true) }
    }

    func testSoftmaxFamilyAndNorm() {
        let a = param([3, 7])
        assertGrad([a]) { a.softmax() }
        assertGrad([a]) { a.logSoftmax() }
        let x = param([4, 6]), g = param([6]), bta = param([6])
        assertGrad([x, g, bta]) { x.layerNorm(gamma: g, beta: bta) }
    }

    func testCrossEntropyWithIgnoredPositionsAndWeights() {
        let logits = param([5, 6])
        let targets = [2, ignoreIndex, 0, 5, ignoreIndex]
        assertGrad([logits]) { logits.nllPerRow(targets: targets) }
        let report = GradCheck.check([logits]) { logits.crossEntropy(targets: targets, weights: [1, 3, 0.5, 2, 1]) }
        XCTAssertTrue(report.passed, report.description)
        // Ignored rows get no gradient at all.
        logits.zeroGrad()
        logits.crossEntropy(targets: targets).backward()
        XCTAssertEqual(Array(logits.grad[6..<12]), [Float](repeating: 0, count: 6))
    }

    func testAttentionCausalNoneAndBlockMask() {
        let b = 2, t = 4, c = 6, h = 2
        let q = param([b, t, c], name: "q"), k = param([b, t, c], name: "k"), v = param([b, t, c], name: "v")
        assertGrad([q, k, v]) { Tensor.attention(q: q, k: k, v: v, heads: h, mask: .causal) }
        assertGrad([q, k, v]) { Tensor.attention(q: q, k: k, v: v, heads: h, mask: .none) }
        // A non-causal block mask: queries {0,1} see keys {0,1}; queries {2,3} see keys {2,3} and {0}.
        let inf = -Float.infinity
        let block: [Float] = [0, 0, inf, inf,
                              0, 0, inf, inf,
                              0, inf, 0, 0,
                              0, inf, 0, 0]
        assertGrad([q, k, v]) { Tensor.attention(q: q, k: k, v: v, heads: h, mask: .additive(block)) }
    }

    /// Causal attention after a key/value cache, plus two diagonal (per-column) steps.
    private func checkAttentionWithCacheAndDiagonal(b: Int, tq: Int, tk: Int, c: Int, h: Int,
                                                    file: StaticString = #filePath, line: UInt = #line) {
        let q = param([b, tq, c], name: "q"), k = param([b, tk, c], name: "k"), v = param([b, tk, c], name: "v")
        let k1 = param([b, tq, c], name: "k1"), v1 = param([b, tq, c], name: "v1")
        let k2 = param([b, tq, c], name: "k2"), v2 = param([b, tq, c], name: "v2")
        assertGrad([q, k, v, k1, v1, k2, v2], file: file, line: line) {
            Tensor.attention(q: q, k: k, v: v, heads: h, mask: .causal,
                             diagonal: [DiagonalKV(k: k1, v: v1), DiagonalKV(k: k2, v: v2)])
        }
    }

    func testAttentionWithKeyValueCacheAndDiagonal() {
        // 3 queries after a cache of 2 earlier tokens (Tk = 5); head width 2 (scalar diagonal path).
        checkAttentionWithCacheAndDiagonal(b: 2, tq: 3, tk: 5, c: 4, h: 2)
    }

    func testAttentionDiagonalWithEightLaneHeads() {
        // Head width 8: the diagonal terms take the row-of-heads SIMD path (headDots / headAxpys).
        checkAttentionWithCacheAndDiagonal(b: 1, tq: 3, tk: 4, c: 16, h: 2)
    }

    func testTiedHeadSharedParameterAccumulates() {
        // The same table used twice (embedding lookup and transposed LM head): gradients add up.
        let table = param([6, 4], name: "wte")
        assertGrad([table]) {
            let h = table.gatherRows([1, 3, 5])      // (3, 4)
            return h.matmul(table, transposeB: true)  // (3, 6)
        }
    }

    /// The checker itself must catch a wrong derivative.
    func testCheckerCatchesWrongBackward() {
        let a = param([4])
        let broken: () -> Tensor = {
            // y = x^2 with a deliberately wrong pullback dx = x (should be 2x).
            let y = a.data.map { $0 * $0 }
            return Tensor(y, shape: a.shape, parents: [a]) { out in
                a.withGrad { g in for i in 0..<g.count { g[i] += out.grad[i] * a.data[i] } }
            }
        }
        let report = GradCheck.check([a], projected(broken))
        XCTAssertFalse(report.passed, "a wrong backward went unnoticed")
        // And the same op with the right derivative passes.
        XCTAssertTrue(GradCheck.check([a], projected { a.square() }).passed)
    }
}
