import Foundation
import XCTest
@testable import Figures

/// Histogram and heatmap: the improvement-distribution figures.
final class DistributionFigureTests: XCTestCase {
    /// Deterministic pseudo-random samples: base NLL in 0...6, change roughly growing with it.
    static func samples(_ n: Int) -> (nll: [Double], change: [Double]) {
        var state: UInt64 = 42
        func uniform() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        var nll: [Double] = [], change: [Double] = []
        for _ in 0..<n {
            let base = 6 * uniform() * uniform()
            nll.append(base)
            change.append(0.15 * base * (uniform() - 0.35) + 0.1 * (uniform() - 0.5))
        }
        return (nll, change)
    }

    func testHistogramFromSamplesRendersWithLegend() throws {
        let dir = FigureTestSupport.outputDirectory("histogram")
        defer { FigureTestSupport.removeUnlessKept(dir) }
        let (_, change) = Self.samples(4000)
        let histogram = try Histogram(title: "Per-token change with thinking",
                                      xLabel: "change in log p(token) (nats)",
                                      samples: [(name: "Quiet-STaR vs base", values: change),
                                                (name: "shuffled thoughts", values: change.map { $0 * 0.5 })],
                                      binCount: 50, referenceX: 0)
        XCTAssertEqual(histogram.series.map { $0.counts.reduce(0, +) }, [4000, 4000])
        let out = try histogram.render(to: dir, name: "improvement_histogram")
        XCTAssertEqual(out.gnuplotMessages, "")
        try FigureTestSupport.assertValidPNG(out.png, width: 800, height: 500)
        try FigureTestSupport.assertSVG(out.vector, contains: ["Quiet-STaR vs base", "shuffled thoughts",
                                                               "change in log p(token) (nats)"])
        try FigureTestSupport.assertScriptRerunsStandalone(out)
    }

    func testHistogramBinningPutsEdgesAndTopValueInRange() throws {
        let h = try Histogram(title: "t", xLabel: "x", samples: [(name: "s", values: [0, 0.5, 1, 2, 5])],
                              binCount: 2, range: 0...2)
        XCTAssertEqual(h.binEdges, [0, 1, 2])
        XCTAssertEqual(h.series[0].counts, [2, 2])  // 5 is outside the range; 2 is the top edge
        let logHistogram = Histogram(title: "t", xLabel: "x", binEdges: [0, 1, 2],
                                     series: [.init(name: "s", counts: [0, 3])], logY: true)
        XCTAssertTrue(logHistogram.job(name: "h").dataFiles[0].contents.contains("0 1 NaN"))
    }

    func testHistogramCountMismatchAndNaNNameTheSeries() {
        let h = Histogram(title: "t", xLabel: "x", binEdges: [0, 1, 2], series: [.init(name: "too-few", counts: [1])])
        XCTAssertThrowsError(try h.validate()) { XCTAssertTrue("\($0)".contains("too-few"), "\($0)") }
        XCTAssertThrowsError(try Histogram(title: "t", xLabel: "x", samples: [(name: "has-nan", values: [1, .nan])])) {
            XCTAssertEqual($0 as? FigureError, .invalidSeries(series: "has-nan", reason: "sample 1 is nan"))
        }
        let badEdges = Histogram(title: "t", xLabel: "x", binEdges: [0, 0], series: [.init(name: "s", counts: [1])])
        XCTAssertThrowsError(try badEdges.validate())
    }

    func testHeatmapFromPointsRenders() throws {
        let dir = FigureTestSupport.outputDirectory("heatmap")
        defer { FigureTestSupport.removeUnlessKept(dir) }
        let (nll, change) = Self.samples(20000)
        let heatmap = try Heatmap(title: "Improvement vs difficulty", xLabel: "base NLL of token (nats)",
                                  yLabel: "change in log p(token) (nats)", colorLabel: "tokens per bin",
                                  x: nll, y: change, xBins: 60, yBins: 40, logColor: true, referenceY: 0)
        XCTAssertEqual(heatmap.counts.flatMap { $0 }.reduce(0, +), 20000)
        let out = try heatmap.render(to: dir, name: "improvement_density")
        XCTAssertEqual(out.gnuplotMessages, "")
        try FigureTestSupport.assertValidPNG(out.png, width: 800, height: 600)
        try FigureTestSupport.assertSVG(out.vector, contains: ["Improvement vs difficulty", "tokens per bin",
                                                               "base NLL of token (nats)"])
        try FigureTestSupport.assertScriptRerunsStandalone(out)
    }

    func testHeatmapFromCountsMatrixAndShapeErrors() throws {
        let good = Heatmap(title: "t", xLabel: "x", yLabel: "y", xEdges: [0, 1, 2, 3], yEdges: [0, 1, 2],
                           counts: [[1, 0, 2], [0, 5, 0]])
        XCTAssertNoThrow(try good.validate())
        // Only non-empty bins are written: three rows of data.
        let rows = good.job(name: "h").dataFiles[0].contents.split(separator: "\n").filter { !$0.hasPrefix("#") }
        XCTAssertEqual(rows, ["0.5 0.5 0.5 0.5 1", "2.5 0.5 0.5 0.5 2", "1.5 1.5 0.5 0.5 5"])
        var wrongRow = good
        wrongRow.counts[1] = [1, 2]
        XCTAssertThrowsError(try wrongRow.validate()) { XCTAssertTrue("\($0)".contains("row 1 has 2 values")) }
        XCTAssertThrowsError(try Heatmap(title: "t", xLabel: "x", yLabel: "y", x: [1, 2, 3], y: [1, 2])) {
            XCTAssertTrue("\($0)".contains("points"), "\($0)")
        }
    }
}
