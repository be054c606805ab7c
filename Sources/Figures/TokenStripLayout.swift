import Foundation

/// Where each token of a `TokenStrip` goes: lines of boxes measured in character widths of a
/// monospace font. A token wider than a line gets a line of its own.
struct TokenStripLayout: Equatable {
    struct Cell: Equatable {
        /// Text as drawn (newlines, tabs and blank tokens made visible).
        var text: String
        var line: Int
        /// Left edge and width of the box, in characters.
        var x: Double
        var width: Double
    }

    /// Padding inside a box on each side, and the gap between boxes, in characters.
    static let padding = 0.35
    static let gap = 0.3

    private(set) var cells: [Cell] = []
    /// Number of lines used.
    private(set) var lineCount = 1
    /// Widest line, in characters.
    private(set) var width = 0.0

    init(tokens: [String], columns: Int) {
        var line = 0, x = 0.0
        for token in tokens {
            let (text, breaksAfter) = Self.display(token)
            let w = Double(max(1, text.count)) + 2 * Self.padding
            if x > 0 && x + w > Double(columns) {
                line += 1
                x = 0
            }
            cells.append(Cell(text: text, line: line, x: x, width: w))
            width = max(width, x + w)
            x += w + Self.gap
            if breaksAfter {
                line += 1
                x = 0
            }
        }
        lineCount = max(1, (cells.last.map { $0.line } ?? 0) + 1)
    }

    /// The visible form of a token, and whether a new line starts after it.
    static func display(_ token: String) -> (String, Bool) {
        if token.isEmpty { return ("∅", false) }
        let breaks = token.contains("\n") || token.contains("\r\n")
        var text = token.replacingOccurrences(of: "\r\n", with: "↵").replacingOccurrences(of: "\n", with: "↵")
            .replacingOccurrences(of: "\t", with: "⇥")
        if text.allSatisfy({ $0 == " " }) { text = String(repeating: "␣", count: text.count) }
        return (text, breaks)
    }
}
