import Foundation
import XCTest
@testable import Figures

final class LineFigureTests: XCTestCase {
    /// Figure 2 in miniature: two panels, a setting with a band and a dashed baseline.
    static func figure2() -> LineFigure {
        let steps: [Double] = stride(from: 0, through: 1000, by: 100).map { $0 }
        func curve(_ top: Double, _ seed: Double) -> [Double] {
            steps.map { top * (1 - exp(-$0 / 300)) + 0.02 * sin($0 / 90 + seed) + 0.05 }
        }
        func panel(_ title: String, _ top: Double) -> Panel {
            Panel(title: title, xLabel: "training step", yLabel: "zero-shot accuracy (fraction)",
                  series: [
                    .summarizing(name: "24 thought tokens, 12 ahead", x: steps,
                                 runs: (0..<3).map { curve(top, Double($0)) }),
                    .summarizing(name: "16 thought tokens, 8 ahead", x: steps,
                                 runs: (0..<3).map { curve(top * 0.85, Double($0) + 5) }, spread: .standardDeviation),
                    Series(name: "Baseline", x: steps, y: steps.map { _ in 0.08 }, dashed: true),
                  ], yRange: 0...0.5)
        }
        return LineFigure(title: "Zero-shot accuracy during Quiet-STaR training",
                          panels: [panel("GSM-style", 0.3), panel("CSQA-style", 0.4)])
    }

    func testFigure2RendersPNGAndSVGWithLegendNames() throws {
        let dir = FigureTestSupport.outputDirectory("line-figure2")
        defer { FigureTestSupport.removeUnlessKept(dir) }
        let figure = Self.figure2()
        let out = try figure.render(to: dir, name: "figure2")
        XCTAssertEqual(out.gnuplotMessages, "")
        try FigureTestSupport.assertValidPNG(out.png, width: 1200, height: 540)
        try FigureTestSupport.assertSVG(out.vector, contains: [
            "24 thought tokens, 12 ahead", "16 thought tokens, 8 ahead", "Baseline",
            "GSM-style", "CSQA-style", "training step", "Zero-shot accuracy during Quiet-STaR training"])
        XCTAssertEqual(out.dataFiles.map(\.lastPathComponent), ["figure2.dat"])
        try FigureTestSupport.assertScriptRerunsStandalone(out)
    }

    func testDataFileHasOneBlockPerSeriesWithBandColumns() throws {
        let job = Self.figure2().job(name: "f")
        let data = job.dataFiles[0].contents
        let blocks = data.components(separatedBy: "\n\n\n")
        XCTAssertEqual(blocks.count, 6)
        // The baseline has no band: lower = upper = y.
        let lastRow = blocks[5].split(separator: "\n").last!.split(separator: " ").map { Double($0)! }
        XCTAssertEqual(lastRow, [1000, 0.08, 0.08, 0.08])
        // Bands are drawn only for the two settings in each panel.
        XCTAssertEqual(job.body.joined().components(separatedBy: "filledcurves").count - 1, 4)
    }

    func testSameSettingKeepsItsColourAcrossPanels() throws {
        let body = Self.figure2().job(name: "f").body.filter { $0.hasPrefix("plot") }
        XCTAssertEqual(body.count, 2)
        func colours(_ plot: String) -> [String] {
            plot.components(separatedBy: "lc rgb \"").dropFirst().map { String($0.prefix(7)) }
        }
        XCTAssertEqual(colours(body[0]), colours(body[1]))
        XCTAssertEqual(Set(colours(body[0])).count, 3)
    }

    func testComputeAxisOnLogScaleAndMajorityVoteFigure() throws {
        let dir = FigureTestSupport.outputDirectory("line-compute")
        defer { FigureTestSupport.removeUnlessKept(dir) }
        let flops: [Double] = [1e6, 3e6, 1e7, 3e7, 1e8]
        let compute = Panel(title: "Accuracy vs inference compute", xLabel: "inference FLOPs per token",
                            yLabel: "accuracy (fraction)",
                            series: [Series(name: "Quiet-STaR", x: flops, y: [0.1, 0.15, 0.2, 0.22, 0.23],
                                            lower: [0.08, 0.12, 0.18, 0.2, 0.21], upper: [0.12, 0.18, 0.22, 0.24, 0.25]),
                                     Series(name: "Baseline", x: flops, y: [0.1, 0.1, 0.1, 0.1, 0.1], dashed: true)],
                            logX: true, legend: .topLeft)
        let k = (1...8).map(Double.init)
        let majority = Panel(title: "maj@k", xLabel: "k (samples voted over)", yLabel: "accuracy (fraction)",
                             series: [Series(name: "with Quiet-STaR", x: k, y: k.map { 0.2 + 0.02 * $0 },
                                             lower: k.map { 0.18 + 0.02 * $0 }, upper: k.map { 0.22 + 0.02 * $0 }),
                                      Series(name: "without Quiet-STaR", x: k, y: k.map { 0.15 + 0.015 * $0 },
                                             lower: k.map { 0.14 + 0.015 * $0 }, upper: k.map { 0.16 + 0.015 * $0 })],
                             legend: .bottomRight)
        let out = try LineFigure(panels: [compute, majority]).render(to: dir, name: "compute_and_majority")
        XCTAssertEqual(out.gnuplotMessages, "")
        try FigureTestSupport.assertValidPNG(out.png, width: 1200, height: 500)
        try FigureTestSupport.assertSVG(out.vector, contains: ["Quiet-STaR", "with Quiet-STaR", "without Quiet-STaR",
                                                               "inference FLOPs per token"])
        let script = try String(contentsOf: out.script, encoding: .utf8)
        XCTAssertTrue(script.contains("set logscale x 10"))
        // The log compute axis keeps gnuplot's tics; maj@k (k = 1 ... 8) gets one tic per k.
        let tics = script.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0.hasPrefix("set xtics") }
        XCTAssertEqual(tics, ["set xtics autofreq", "set xtics 1"])
    }

    /// A few whole-number x values get a tic at each whole number; many steps or fractions do not.
    func testWholeNumberAxesGetOneTicPerNumber() {
        func tics(_ x: [Double]) -> String {
            let body = LineFigure(Panel(title: "p", xLabel: "x", yLabel: "y", series: [Series(name: "s", x: x, y: x)])).job(name: "f").body
            return body.map { $0.trimmingCharacters(in: .whitespaces) }.first { $0.hasPrefix("set xtics") } ?? ""
        }
        XCTAssertEqual(tics([1, 2, 3]), "set xtics 1")
        XCTAssertEqual(tics([1, 1.5, 2]), "set xtics autofreq")
        XCTAssertEqual(tics([0, 50, 100]), "set xtics autofreq")
        XCTAssertEqual(tics((0...40).map { Double($0 * 10) }), "set xtics autofreq")
        XCTAssertEqual(tics([5]), "set xtics autofreq")
    }

    func testNarrowLogAxisUsesPowersOfTwo() throws {
        let dir = FigureTestSupport.outputDirectory("line-thoughts")
        defer { FigureTestSupport.removeUnlessKept(dir) }
        let tokens: [Double] = [1, 2, 4, 8, 16, 24]
        let figure = LineFigure(Panel(title: "Accuracy vs thought length", xLabel: "thought tokens per token",
                                      yLabel: "accuracy (fraction)",
                                      series: [Series(name: "GSM-style", x: tokens, y: [0.1, 0.12, 0.15, 0.19, 0.22, 0.23])],
                                      logX: true, legend: .topLeft))
        XCTAssertTrue(figure.job(name: "f").body.contains("set logscale x 2"))
        let out = try figure.render(to: dir, name: "thought_length")
        XCTAssertEqual(out.gnuplotMessages, "")
        try FigureTestSupport.assertValidPNG(out.png, width: 600, height: 500)
        try FigureTestSupport.assertSVG(out.vector, contains: ["GSM-style", "16"])
    }

    func testTrainingCurvesGridAndPDFOutput() throws {
        let dir = FigureTestSupport.outputDirectory("line-training")
        defer { FigureTestSupport.removeUnlessKept(dir) }
        let steps = (0..<50).map { Double($0 * 20) }
        func panel(_ title: String, _ y: String, _ names: [String]) -> Panel {
            Panel(title: title, xLabel: "training step", yLabel: y,
                  series: names.enumerated().map { i, n in
                      Series(name: n, x: steps, y: steps.map { 2 * exp(-$0 / Double(300 + 100 * i)) + Double(i) * 0.1 })
                  }, legend: .topRight)
        }
        let figure = LineFigure(title: "Training curves", panels: [
            panel("Language-model loss", "loss (nats/token)", ["NLL with thoughts", "NLL without thoughts"]),
            panel("REINFORCE", "reward (nats)", ["reward", "baseline reward"]),
            panel("Mixing head", "mixing weight (0..1)", ["mean weight"]),
            panel("Thought length", "tokens", ["thought tokens"]),
        ], layout: .grid(columns: 2), size: PixelSize(width: 1000, height: 700))
        XCTAssertEqual(figure.grid.rows, 2)
        XCTAssertEqual(figure.grid.columns, 2)
        let out = try figure.render(to: dir, name: "training", options: RenderOptions(vectorFormat: .pdf))
        try FigureTestSupport.assertValidPNG(out.png, width: 1000, height: 700)
        XCTAssertEqual(out.vector.pathExtension, "pdf")
        XCTAssertEqual(Array(try Data(contentsOf: out.vector).prefix(5)), Array("%PDF-".utf8))
    }

    func testMismatchedLengthsNameTheSeries() {
        let bad = Series(name: "12 thought tokens", x: [0, 1, 2], y: [0.1, 0.2])
        let figure = LineFigure(Panel(title: "GSM", xLabel: "step", yLabel: "acc", series: [
            Series(name: "Baseline", x: [0, 1], y: [0.1, 0.1]), bad]))
        XCTAssertThrowsError(try figure.render(to: FigureTestSupport.outputDirectory("bad"), name: "bad")) { error in
            XCTAssertEqual(error as? FigureError,
                           .invalidSeries(series: "12 thought tokens", reason: "y has 2 values but x has 3 (panel \"GSM\")"))
            XCTAssertTrue("\(error)".contains("12 thought tokens"))
        }
    }

    func testNaNsAndBandProblemsNameTheSeries() {
        let cases: [(Series, String)] = [
            (Series(name: "nan-y", x: [0, 1], y: [0.1, .nan]), "y[1]"),
            (Series(name: "inf-upper", x: [0, 1], y: [0, 0], lower: [0, 0], upper: [0, .infinity]), "upper[1]"),
            (Series(name: "short-band", x: [0, 1], y: [0, 0], lower: [0], upper: [0, 0]), "lower band has 1"),
            (Series(name: "one-edge", x: [0, 1], y: [0, 0], lower: [0, 0]), "both lower and upper"),
            (Series(name: "upside-down", x: [0, 1], y: [0, 0], lower: [1, 0], upper: [0, 0]), "above upper"),
        ]
        for (series, fragment) in cases {
            XCTAssertThrowsError(try series.validate()) { error in
                guard case .invalidSeries(let name, let reason)? = error as? FigureError else {
                    return XCTFail("unexpected \(error)")
                }
                XCTAssertEqual(name, series.name)
                XCTAssertTrue(reason.contains(fragment), "\(reason) lacks \(fragment)")
            }
        }
    }

    func testLogAxisRejectsNonPositiveX() {
        let panel = Panel(title: "compute", xLabel: "FLOPs", yLabel: "acc",
                          series: [Series(name: "zero-compute", x: [0, 10], y: [0.1, 0.2])], logX: true)
        XCTAssertThrowsError(try panel.validate()) { error in
            XCTAssertTrue("\(error)".contains("zero-compute"))
        }
    }

    func testSummarizingComputesMeanAndSpread() {
        let s = Series.summarizing(name: "s", x: [0, 1], runs: [[1, 2], [3, 6]], spread: .minMax)
        XCTAssertEqual(s.y, [2, 4])
        XCTAssertEqual(s.lower, [1, 2])
        XCTAssertEqual(s.upper, [3, 6])
        let sd = Series.summarizing(name: "s", x: [0], runs: [[1], [3]], spread: .standardDeviation)
        XCTAssertEqual(sd.lower![0], 2 - 2.squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(sd.upper![0], 2 + 2.squareRoot(), accuracy: 1e-12)
        XCTAssertFalse(Series.summarizing(name: "one", x: [0], runs: [[1]]).hasBand)
    }
}
