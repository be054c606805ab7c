import Foundation

/// Everything that can go wrong while describing or rendering a figure.
/// Messages name the offending series or file so that a failed sweep says what to fix.
public enum FigureError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// No gnuplot executable was found; `searched` lists the places tried.
    case gnuplotNotFound(searched: [String])
    /// gnuplot ran but exited with a non-zero status; `stderr` is what it printed.
    case gnuplotFailed(script: String, status: Int32, stderr: String)
    /// gnuplot exited cleanly but an expected picture is missing or empty.
    case outputMissing(path: String, stderr: String)
    /// A series is malformed (lengths differ, NaN or infinite values, bad band, ...).
    case invalidSeries(series: String, reason: String)
    /// The figure as a whole is malformed (no panels, bad bin edges, bad file name, ...).
    case invalidFigure(reason: String)

    public var description: String {
        switch self {
        case .gnuplotNotFound(let searched):
            return "gnuplot not found (install gnuplot-nox, or set $GNUPLOT); searched: "
                + searched.joined(separator: ", ")
        case .gnuplotFailed(let script, let status, let stderr):
            return "gnuplot failed on \(script) with status \(status):\n\(stderr)"
        case .outputMissing(let path, let stderr):
            return "gnuplot produced no output at \(path)" + (stderr.isEmpty ? "" : ":\n\(stderr)")
        case .invalidSeries(let series, let reason):
            return "series \"\(series)\": \(reason)"
        case .invalidFigure(let reason):
            return "invalid figure: \(reason)"
        }
    }

    public var errorDescription: String? { description }
}
