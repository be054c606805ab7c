import Foundation

/// One named line of a panel: points `(x[i], y[i])`, optionally with a shaded band
/// `lower[i]...upper[i]` around it (spread over seeds: min...max, or mean ± std).
public struct Series: Sendable, Equatable {
    /// Legend entry, e.g. "24 thought tokens, 12 ahead" or "Baseline". Shown literally.
    /// Series with the same name get the same colour in every panel of a figure.
    public var name: String
    public var x: [Double]
    public var y: [Double]
    /// Lower edge of the band; give both `lower` and `upper`, or neither.
    public var lower: [Double]?
    /// Upper edge of the band.
    public var upper: [Double]?
    /// Draw the line dashed (e.g. for a baseline).
    public var dashed: Bool
    /// Mark each point; `nil` marks them on solid lines of at most 20 points.
    public var showsPoints: Bool?

    public init(name: String, x: [Double], y: [Double], lower: [Double]? = nil, upper: [Double]? = nil,
                dashed: Bool = false, showsPoints: Bool? = nil) {
        self.name = name
        self.x = x
        self.y = y
        self.lower = lower
        self.upper = upper
        self.dashed = dashed
        self.showsPoints = showsPoints
    }

    /// How a band summarises several runs.
    public enum Spread: Sendable {
        /// From the smallest to the largest run.
        case minMax
        /// Mean ± one sample standard deviation.
        case standardDeviation
    }

    /// A mean line with a band, from several runs (e.g. one per seed) measured at the same `x`.
    /// With a single run there is no band. Length problems surface when the figure is validated.
    /// - Parameter runs: `runs[r][i]` is run `r` at `x[i]`.
    public static func summarizing(name: String, x: [Double], runs: [[Double]], spread: Spread = .minMax,
                                   dashed: Bool = false) -> Series {
        let n = runs.map(\.count).min() ?? 0
        var mean = [Double](), lo = [Double](), hi = [Double]()
        for i in 0..<n {
            let column = runs.map { $0[i] }
            let m = column.reduce(0, +) / Double(column.count)
            mean.append(m)
            switch spread {
            case .minMax:
                lo.append(column.min()!)
                hi.append(column.max()!)
            case .standardDeviation:
                let variance = column.count > 1
                    ? column.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(column.count - 1) : 0
                lo.append(m - variance.squareRoot())
                hi.append(m + variance.squareRoot())
            }
        }
        if runs.count < 2 { return Series(name: name, x: x, y: mean, dashed: dashed) }
        return Series(name: name, x: x, y: mean, lower: lo, upper: hi, dashed: dashed)
    }

    /// Whether a band is drawn.
    public var hasBand: Bool { lower != nil && upper != nil }

    /// Throws `FigureError.invalidSeries` naming this series when lengths differ, values are not
    /// finite, only one band edge is given, or the band is upside down. `context` names the panel.
    public func validate(context: String = "") throws {
        let whereText = context.isEmpty ? "" : " (\(context))"
        func fail(_ reason: String) -> FigureError { .invalidSeries(series: name, reason: reason + whereText) }
        if x.isEmpty { throw fail("has no points") }
        if y.count != x.count { throw fail("y has \(y.count) values but x has \(x.count)") }
        if (lower == nil) != (upper == nil) { throw fail("band needs both lower and upper") }
        var columns = [("x", x), ("y", y)]
        if let lower, let upper {
            if lower.count != x.count { throw fail("lower band has \(lower.count) values but x has \(x.count)") }
            if upper.count != x.count { throw fail("upper band has \(upper.count) values but x has \(x.count)") }
            columns += [("lower", lower), ("upper", upper)]
            if let i = lower.indices.first(where: { lower[$0] > upper[$0] }) {
                throw fail("lower[\(i)] = \(lower[i]) is above upper[\(i)] = \(upper[i])")
            }
        }
        for (label, values) in columns {
            if let i = values.firstIndex(where: { !$0.isFinite }) {
                throw fail("\(label)[\(i)] is \(values[i]) (NaN or infinite values cannot be plotted)")
            }
        }
    }
}
