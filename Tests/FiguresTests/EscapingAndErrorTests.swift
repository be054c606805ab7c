import Foundation
import XCTest
@testable import Figures

final class EscapingAndErrorTests: XCTestCase {
    static let tricky = [
        "say \"hi\" & 'bye'",
        "loss_{total}^2 @ step ~5",
        "back\\slash $1 %d #hash",
        "R&D <tag> {braces}",
    ]

    func testLiteralEscapesQuotesBackslashesAndNewlines() {
        XCTAssertEqual(GnuplotText.literal("a\"b\\c\nd\te"), "\"a\\\"b\\\\c\\nd e\"")
        XCTAssertEqual(GnuplotText.literal("x_1^2 @&~{}"), "\"x_1^2 @&~{}\"")
        XCTAssertEqual(GnuplotText.number(3), "3")
        XCTAssertEqual(GnuplotText.number(0.25), "0.25")
        XCTAssertEqual(GnuplotText.number(1e-7), "1e-07")
    }

    func testTrickyStringsRenderVerbatimWithoutGnuplotComplaints() throws {
        let dir = FigureTestSupport.outputDirectory("escaping")
        defer { FigureTestSupport.removeUnlessKept(dir) }
        let t = Self.tricky
        let lines = LineFigure(title: t[0], panels: [
            Panel(title: t[1], xLabel: t[2], yLabel: t[3], series: [
                Series(name: t[0], x: [0, 1], y: [0, 1]),
                Series(name: t[1], x: [0, 1], y: [1, 0], lower: [0.9, 0], upper: [1, 0.1]),
            ])])
        let histogram = Histogram(title: t[1], xLabel: t[2], yLabel: t[3], binEdges: [0, 1, 2],
                                  series: [.init(name: t[0], counts: [1, 2]), .init(name: t[3], counts: [2, 1])])
        let heatmap = Heatmap(title: t[2], xLabel: t[3], yLabel: t[0], colorLabel: t[1],
                              xEdges: [0, 1], yEdges: [0, 1], counts: [[3]])
        let strip = TokenStrip(title: t[3], tokens: t + ["\"", "\\", "_"], values: [0.5, -0.5, nil, 1, -1, 0, 0.2],
                               valueLabel: t[0], negativeMeaning: t[1], positiveMeaning: t[2])
        let figures: [(String, any Figure)] = [("lines", lines), ("histogram", histogram),
                                               ("heatmap", heatmap), ("tokens", strip)]
        for (name, figure) in figures {
            let out = try figure.render(to: dir, name: name)
            XCTAssertEqual(out.gnuplotMessages, "", name)
            try FigureTestSupport.assertValidPNG(out.png)
            try FigureTestSupport.assertSVG(out.vector, contains: name == "tokens" ? t + ["\\", "_"] : t)
        }
    }

    func testMissingGnuplotIsAClearError() {
        let figure = LineFigure(Panel(title: "t", xLabel: "x", yLabel: "y",
                                      series: [Series(name: "s", x: [0, 1], y: [0, 1])]))
        let options = RenderOptions(gnuplotPath: "/nonexistent/bin/gnuplot")
        XCTAssertThrowsError(try figure.render(to: FigureTestSupport.outputDirectory("missing"), name: "f",
                                               options: options)) { error in
            XCTAssertEqual(error as? FigureError, .gnuplotNotFound(searched: ["/nonexistent/bin/gnuplot"]))
            XCTAssertTrue("\(error)".contains("gnuplot not found"))
        }
    }

    func testFailingGnuplotReportsItsStderr() throws {
        let dir = FigureTestSupport.outputDirectory("failing")
        defer { FigureTestSupport.removeUnlessKept(dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        // A stand-in executable that fails the way gnuplot does: message on stderr, non-zero status.
        let fake = dir.appendingPathComponent("fake-gnuplot")
        try "#!/bin/sh\necho \"line 3: unknown or ambiguous terminal type\" >&2\nexit 1\n"
            .write(to: fake, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fake.path)
        let figure = LineFigure(Panel(title: "t", xLabel: "x", yLabel: "y",
                                      series: [Series(name: "s", x: [0, 1], y: [0, 1])]))
        XCTAssertThrowsError(try figure.render(to: dir, name: "f", options: RenderOptions(gnuplotPath: fake.path))) {
            guard case .gnuplotFailed(_, let status, let stderr)? = $0 as? FigureError else {
                return XCTFail("unexpected \($0)")
            }
            XCTAssertEqual(status, 1)
            XCTAssertEqual(stderr, "line 3: unknown or ambiguous terminal type")
        }
    }

    func testBadFileNamesAreRejected() {
        let figure = Histogram(title: "t", xLabel: "x", binEdges: [0, 1], series: [.init(name: "s", counts: [1])])
        for bad in ["", "a/b", "say\"x", ".hidden"] {
            XCTAssertThrowsError(try figure.render(to: FigureTestSupport.outputDirectory("names"), name: bad)) {
                guard case .invalidFigure? = $0 as? FigureError else { return XCTFail("unexpected \($0)") }
            }
        }
    }
}
