import Foundation
import XCTest
@testable import Figures

final class TokenStripTests: XCTestCase {
    static func example() -> TokenStrip {
        let text = ["Janet", "’s", " ducks", " lay", " 16", " eggs", " per", " day", ".", " She", " eats",
                    " three", " for", " breakfast", " every", " morning", "\n", "How", " many", " eggs",
                    " are", " left", "?", " 16", " -", " 3", " =", " 13"]
        let values: [Double?] = text.enumerated().map { i, _ in
            i < 3 ? nil : sin(Double(i) * 1.3) * (i > 20 ? 1.2 : 0.4)
        }
        return TokenStrip(title: "Example: per-token change with thinking", tokens: text, values: values, columns: 60)
    }

    func testRendersTokensAndColourKey() throws {
        let dir = FigureTestSupport.outputDirectory("tokens")
        defer { FigureTestSupport.removeUnlessKept(dir) }
        let out = try Self.example().render(to: dir, name: "example_thought")
        XCTAssertEqual(out.gnuplotMessages, "")
        try FigureTestSupport.assertValidPNG(out.png)
        try FigureTestSupport.assertSVG(out.vector, contains: [
            "Janet", "breakfast", "↵", "thinking hurt", "thinking helped",
            "change in log p(token) with thinking (nats)", "grey: no value (prompt or thought)"])
        try FigureTestSupport.assertScriptRerunsStandalone(out)
    }

    func testLayoutWrapsAndBreaksOnNewlines() {
        let layout = TokenStripLayout(tokens: ["aaaa", "bbbb", "cc\n", "d", "  ", ""], columns: 10)
        XCTAssertEqual(layout.cells.map(\.line), [0, 0, 1, 2, 2, 2])
        XCTAssertEqual(layout.cells.map(\.text), ["aaaa", "bbbb", "cc↵", "d", "␣␣", "∅"])
        XCTAssertEqual(layout.lineCount, 3)
        XCTAssertLessThanOrEqual(layout.width, 10)
        // Boxes on a line never overlap.
        for (a, b) in zip(layout.cells, layout.cells.dropFirst()) where a.line == b.line {
            XCTAssertLessThanOrEqual(a.x + a.width, b.x)
        }
    }

    func testTextColourContrastsWithBackground() {
        XCTAssertEqual(Palette.foreground(on: Palette.diverging(at: -1)), "#FFFFFF")  // dark red
        XCTAssertEqual(Palette.foreground(on: Palette.diverging(at: 0)), "#000000")   // near white
        XCTAssertEqual(Palette.foreground(on: Palette.diverging(at: 1)), "#FFFFFF")   // dark blue
        XCTAssertEqual(Palette.hex(Palette.diverging(at: 5)), "#2166AC")              // clamped
    }

    func testMismatchedValuesAndNaNAreReported() {
        let short = TokenStrip(title: "t", tokens: ["a", "b"], values: [1])
        XCTAssertThrowsError(try short.validate()) {
            XCTAssertEqual($0 as? FigureError, .invalidSeries(series: "values",
                                                              reason: "has 1 values but there are 2 tokens (\"t\")"))
        }
        let nan = TokenStrip(title: "t", tokens: ["a", "b"], values: [1, .nan])
        XCTAssertThrowsError(try nan.validate()) { XCTAssertTrue("\($0)".contains("token \"b\""), "\($0)") }
    }
}
