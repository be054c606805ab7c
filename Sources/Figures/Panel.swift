import Foundation

/// One set of axes: a title, labelled axes and the series drawn on them.
public struct Panel: Sendable, Equatable {
    /// Where a panel's legend goes.
    public enum Legend: Sendable, Equatable {
        case topLeft, topRight, bottomLeft, bottomRight
        /// Under the axes, never covering data (the default).
        case below
        case hidden
    }

    public var title: String
    /// Axis labels: include units, e.g. "training step" or "inference FLOPs per token".
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    /// Fixed y range; `nil` fits the data.
    public var yRange: ClosedRange<Double>?
    /// Fixed x range; `nil` fits the data.
    public var xRange: ClosedRange<Double>?
    /// Logarithmic x axis (all x must then be positive).
    public var logX: Bool
    public var legend: Legend

    public init(title: String, xLabel: String, yLabel: String, series: [Series],
                yRange: ClosedRange<Double>? = nil, xRange: ClosedRange<Double>? = nil,
                logX: Bool = false, legend: Legend = .below) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.yRange = yRange
        self.xRange = xRange
        self.logX = logX
        self.legend = legend
    }

    /// Validates every series, and positivity of x on a log axis.
    public func validate() throws {
        if series.isEmpty { throw FigureError.invalidFigure(reason: "panel \"\(title)\" has no series") }
        for s in series {
            try s.validate(context: "panel \"\(title)\"")
            if logX, let i = s.x.firstIndex(where: { $0 <= 0 }) {
                throw FigureError.invalidSeries(series: s.name,
                    reason: "x[\(i)] = \(s.x[i]) is not positive on the log x axis of panel \"\(title)\"")
            }
        }
        for (label, range) in [("x", xRange), ("y", yRange)] {
            if let range, !(range.lowerBound.isFinite && range.upperBound.isFinite && range.lowerBound < range.upperBound) {
                throw FigureError.invalidFigure(reason: "panel \"\(title)\": \(label) range \(range) is empty or not finite")
            }
        }
        if logX, let r = xRange, r.lowerBound <= 0 {
            throw FigureError.invalidFigure(reason: "panel \"\(title)\": log x range must be positive")
        }
    }
}
