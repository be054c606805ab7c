import XCTest
@testable import TensorCore

final class RowOpsTests: XCTestCase {
    func testScaledRowsGradientAndComposition() {
        var rng = RNG(seed: 3)
        let x = Tensor.randn([2, 3, 4], using: &rng, requiresGrad: true)
        let w = Tensor.randn([2, 3, 1], using: &rng, requiresGrad: true)
        let proj = Tensor.randn([2, 3, 4], using: &rng)
        let report = GradCheck.check([x, w]) { (x.scaledRows(by: w) * proj).sum() }
        XCTAssertTrue(report.passed, report.description)
        // Same values as multiplying by w repeated along the last axis.
        let wRep = Tensor.concat(Array(repeating: w, count: 4), axis: 2)
        XCTAssertEqual(x.scaledRows(by: w).data, (x * wRep).data)
    }
}
