import XCTest
import Foundation
@testable import TensorCore

/// Fused ops against the same computation composed from primitives: values and gradients.
final class FusedTests: XCTestCase {
    var rng = RNG(seed: 77)

    func compare(_ inputs: [Tensor], _ fused: () -> Tensor, _ composed: () -> Tensor, tol: Float = 1e-4,
                 file: StaticString = #filePath, line: UInt = #line) {
        var r = RNG(seed: 5)
        let y1 = fused()
        let proj = Tensor.randn(y1.shape, using: &r)
        for x in inputs { x.zeroGrad() }
        (y1 * proj).sum().backward()
        let g1 = inputs.map(\.grad)
        for x in inputs { x.zeroGrad() }
        let y2 = composed()
        XCTAssertEqual(y1.shape, y2.shape, file: file, line: line)
        (y2 * proj).sum().backward()
        let g2 = inputs.map(\.grad)
        for (a, b) in zip(y1.data, y2.data) { XCTAssertEqual(a, b, accuracy: tol, file: file, line: line) }
        for (ga, gb) in zip(g1, g2) {
            XCTAssertEqual(ga.count, gb.count, file: file, line: line)
            for (a, b) in zip(ga, gb) { XCTAssertEqual(a, b, accuracy: tol, file: file, line: line) }
        }
    }

    func testSoftmaxVsPrimitives() {
        let x = Tensor.randn([4, 9], using: &rng, requiresGrad: true)
        compare([x], { x.softmax() }, {
            let e = x.exp()
            let s = e.sum(axis: 1).reshaped([4, 1])
            return e * Tensor.concat(Array(repeating: s.log() * Float(-1), count: 9), axis: 1).exp()
        })
        compare([x], { x.logSoftmax() }, {
            let lse = x.exp().sum(axis: 1).log().reshaped([4, 1])
            return x - Tensor.concat(Array(repeating: lse, count: 9), axis: 1)
        })
    }

    func testLayerNormVsPrimitives() {
        let x = Tensor.randn([3, 8], using: &rng, requiresGrad: true)
        let g = Tensor.randn([8], using: &rng, requiresGrad: true), b = Tensor.randn([8], using: &rng, requiresGrad: true)
        compare([x, g, b], { x.layerNorm(gamma: g, beta: b) }, {
            let mu = x.mean(axis: 1).reshaped([3, 1])
            let xc = x - Tensor.concat(Array(repeating: mu, count: 8), axis: 1)
            let v = xc.square().mean(axis: 1).reshaped([3, 1]) + Float(1e-5)
            let rstd = (v.log() * Float(-0.5)).exp()
            return xc * Tensor.concat(Array(repeating: rstd, count: 8), axis: 1) * g + b
        })
    }

    func testNLLVsPrimitives() {
        let x = Tensor.randn([5, 7], using: &rng, requiresGrad: true)
        let t = [3, ignoreIndex, 0, 6, 2]
        var onehot = [Float](repeating: 0, count: 35)
        for (i, ti) in t.enumerated() where ti >= 0 { onehot[i * 7 + ti] = 1 }
        compare([x], { x.nllPerRow(targets: t) }, {
            (x.logSoftmax() * Tensor(onehot, shape: [5, 7])).sum(axis: 1) * Float(-1)
        })
    }

    func testAttentionVsPrimitives() {
        // Causal attention with a diagonal cache = dense attention over [prefix keys, own diagonal keys].
        let b = 1, t = 3, c = 4, h = 2, d = c / h
        let q = Tensor.randn([b, t, c], using: &rng, requiresGrad: true)
        let k = Tensor.randn([b, t, c], using: &rng, requiresGrad: true)
        let v = Tensor.randn([b, t, c], using: &rng, requiresGrad: true)
        let kd = Tensor.randn([b, t, c], using: &rng, requiresGrad: true)
        let vd = Tensor.randn([b, t, c], using: &rng, requiresGrad: true)
        compare([q, k, v, kd, vd], {
            Tensor.attention(q: q, k: k, v: v, heads: h, mask: .causal, diagonal: [DiagonalKV(k: kd, v: vd)])
        }, {
            // Keys = [k (t), kd (t)], mask: query i sees k_0..k_i and kd_i only.
            let inf = -Float.infinity
            var m = [Float](repeating: inf, count: t * 2 * t)
            for i in 0..<t { for j in 0...i { m[i * 2 * t + j] = 0 }; m[i * 2 * t + t + i] = 0 }
            var heads: [Tensor] = []
            for hh in 0..<h {
                let qh = q.slice(axis: 2, hh * d..<(hh + 1) * d).reshaped([t, d])
                let kh = Tensor.concat([k, kd], axis: 1).slice(axis: 2, hh * d..<(hh + 1) * d).reshaped([2 * t, d])
                let vh = Tensor.concat([v, vd], axis: 1).slice(axis: 2, hh * d..<(hh + 1) * d).reshaped([2 * t, d])
                let s = qh.matmul(kh, transposeB: true) * (1 / Float(d).squareRoot()) + Tensor(m, shape: [t, 2 * t])
                heads.append(s.softmax().matmul(vh))
            }
            return Tensor.concat(heads, axis: 1).reshaped([b, t, c])
        })
    }

    func testFastExpAndGeluAgainstScalarTwins() {
        var xs: [Float] = []
        for i in 0..<2000 { xs.append(-80 + Float(i) * 0.085) }
        for x in xs {
            if x > 88 { continue }  // documented range: [-87, 88]
            let v = FastMath.exp8(SIMD8(repeating: x))[0]
            let ref = Foundation.exp(x)
            XCTAssertEqual(v, ref, accuracy: max(1e-30, ref * 3e-6), "exp(\(x))")
        }
        XCTAssertEqual(FastMath.exp8(SIMD8(repeating: -.infinity))[0], 0)
        let x = Tensor(Array(xs[900..<1100]).map { $0 / 4 }, shape: [200])
        let y = x.gelu()
        for (xi, yi) in zip(x.data, y.data) {
            let ref = 0.5 * xi * (1 + Foundation.tanh(0.7978845608 * (xi + 0.044715 * xi * xi * xi)))
            XCTAssertEqual(yi, ref, accuracy: 1e-5)
        }
    }
}
