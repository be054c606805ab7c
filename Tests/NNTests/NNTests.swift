import XCTest
import Foundation
import TensorCore
@testable import NN

final class NNTests: XCTestCase {
    func testLayersGradients() {
        var rng = RNG(seed: 3)
        let lin = Linear(5, 3, using: &rng)
        let mlp = MLP(widths: [3, 4, 2], activation: .relu, using: &rng)
        let ln = LayerNorm(3)
        let emb = Embedding(7, 3, std: 1, using: &rng)
        let x = Tensor.randn([4, 5], using: &rng)
        let ids = [1, 6, 1, 3]
        let params = lin.parameters + mlp.parameters + ln.parameters + emb.parameters
        var r2 = RNG(seed: 9)
        let proj = Tensor.randn([4, 2], using: &r2)
        let report = GradCheck.check(params) { (mlp(ln(lin(x) + emb(ids, shape: [4]))) * proj).sum() }
        XCTAssertTrue(report.passed, report.description)
    }

    func testMLPZeroInitOutputsZero() {
        var rng = RNG(seed: 1)
        let mlp = MLP(widths: [6, 6, 6, 1], activation: .relu, zeroInitLast: true, using: &rng)
        let y = mlp(Tensor.randn([5, 6], using: &rng))
        XCTAssertEqual(y.data, [Float](repeating: 0, count: 5))
    }

    func testAdamWMatchesScalarReference() {
        let p = Tensor([0.5, -1.5], shape: [2, 1], requiresGrad: true)
        let opt = AdamW(params: [p], beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.1)
        var ref: [Double] = [0.5, -1.5], m: [Double] = [0, 0], v: [Double] = [0, 0]
        for step in 1...5 {
            // loss = sum p^3 => g = 3 p^2
            p.zeroGrad()
            (p.square() * p).sum().backward()
            opt.update(lr: 0.01)
            for i in 0..<2 {
                let g = 3 * ref[i] * ref[i]
                m[i] = 0.9 * m[i] + 0.1 * g
                v[i] = 0.99 * v[i] + 0.01 * g * g
                let mh = m[i] / (1 - pow(0.9, Double(step))), vh = v[i] / (1 - pow(0.99, Double(step)))
                ref[i] -= 0.01 * (mh / (vh.squareRoot() + 1e-8) + 0.1 * ref[i])
            }
        }
        XCTAssertEqual(Double(p.data[0]), ref[0], accuracy: 1e-5)
        XCTAssertEqual(Double(p.data[1]), ref[1], accuracy: 1e-5)
    }

    /// A parameter's learning-rate scale s is the twin of its own optimizer at lr * s (bit for
    /// bit), and a scale of 1 is the plain optimizer.
    func testAdamWLearningRateScales() {
        func params() -> [Tensor] {
            [Tensor([0.5, -1.5], shape: [2, 1], requiresGrad: true), Tensor([0.25, 2, -0.75], shape: [3], requiresGrad: true)]
        }
        let scaled = params(), alone = params()
        let opt = AdamW(params: scaled, decays: [true, true], lrScales: [1, 10], weightDecay: 0.1)
        let twins = [AdamW(params: [alone[0]], decays: [true], weightDecay: 0.1),
                     AdamW(params: [alone[1]], decays: [true], weightDecay: 0.1)]
        for _ in 1...5 {
            for p in scaled + alone { p.zeroGrad(); (p.square() * p).sum().backward() }
            opt.update(lr: 0.01)
            twins[0].update(lr: 0.01)
            twins[1].update(lr: 0.01 * 10)
        }
        XCTAssertEqual(scaled[0].data.map(\.bitPattern), alone[0].data.map(\.bitPattern))
        XCTAssertEqual(scaled[1].data.map(\.bitPattern), alone[1].data.map(\.bitPattern))
        XCTAssertNotEqual(scaled[1].data, params()[1].data, "the scaled parameter moved")
        XCTAssertEqual(AdamW(params: params()).lrScales, [1, 1])
    }

    func testScheduleAndClipping() {
        let s = LRSchedule(peak: 1, warmup: 4, total: 14, decay: .cosine, finalFraction: 0.1)
        XCTAssertEqual(s.rate(at: 0), 0.25, accuracy: 1e-6)
        XCTAssertEqual(s.rate(at: 3), 1, accuracy: 1e-6)
        XCTAssertEqual(s.rate(at: 9), 0.55, accuracy: 1e-6)  // halfway through the decay
        XCTAssertEqual(s.rate(at: 14), 0.1, accuracy: 1e-6)
        XCTAssertEqual(s.rate(at: 100), 0.1, accuracy: 1e-6)
        let a = Tensor([0, 0], shape: [2], requiresGrad: true), b = Tensor([0], shape: [1], requiresGrad: true)
        a.grad = [3, 0]; b.grad = [4]
        let n = clipGradNorm([a, b], maxNorm: 1)
        XCTAssertEqual(n, 5, accuracy: 1e-6)
        XCTAssertEqual(a.grad[0], 0.6, accuracy: 1e-6)
        XCTAssertEqual(b.grad[0], 0.8, accuracy: 1e-6)
        a.grad = [0.3, 0]; b.grad = [0.4]
        clipGradNorm([a, b], maxNorm: 1)  // below the limit: unchanged
        XCTAssertEqual(a.grad, [0.3, 0])
    }

    func testCheckpointRoundTripIsBitExact() throws {
        var rng = RNG(seed: 11)
        let mlp = MLP(widths: [4, 8, 3], activation: .gelu, using: &rng)
        // Include values that print badly: subnormals, -0, large.
        mlp.layers[0].weight.data[0] = -0.0
        mlp.layers[0].weight.data[1] = 1e-40
        mlp.layers[0].weight.data[2] = 3.4e38
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ck-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("m.ckpt").path
        try Checkpoint.save(mlp.namedParameters, to: path)
        var rng2 = RNG(seed: 12)
        let other = MLP(widths: [4, 8, 3], activation: .gelu, using: &rng2)
        try Checkpoint.restore(other, from: path)
        for (a, b) in zip(mlp.parameters, other.parameters) {
            XCTAssertEqual(a.data.map(\.bitPattern), b.data.map(\.bitPattern))
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["m.ckpt"])  // no temp left
        // Errors name the file and the problem.
        let wrong = MLP(widths: [4, 9, 3], activation: .gelu, using: &rng2)
        XCTAssertThrowsError(try Checkpoint.restore(wrong, from: path)) { e in
            XCTAssertTrue("\(e)".contains("m.ckpt") && "\(e)".contains("shape"), "\(e)")
        }
        XCTAssertThrowsError(try Checkpoint.load(from: dir.appendingPathComponent("none").path)) { e in
            XCTAssertTrue("\(e)".contains("none"), "\(e)")
        }
        try Data("garbage".utf8).write(to: dir.appendingPathComponent("bad"))
        XCTAssertThrowsError(try Checkpoint.load(from: dir.appendingPathComponent("bad").path))
    }
}
