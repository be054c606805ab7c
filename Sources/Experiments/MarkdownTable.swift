import Foundation

/// The Markdown tables the commands save beside the runs (`base-checks.md`, `thought-content.md`)
/// and read back to decide whether a saved one is current.
public enum MarkdownTable {
    /// A fraction as a table cell: "91.6%".
    public static func percent(_ x: Double) -> String { String(format: "%.1f%%", 100 * x) }

    /// The trimmed cells of a table line: "| a | b |" gives ["", "a", "b", ""] (an empty first
    /// cell marks a row).
    static func cells(_ line: Substring) -> [String] {
        line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
    }
}
