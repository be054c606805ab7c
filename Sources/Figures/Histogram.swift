import Foundation

/// Counts over shared bins, one or more named distributions overlaid as semi-transparent bars
/// (e.g. the per-token change in log-probability with thinking).
///
/// Build it from counts you already have (`init(title:xLabel:yLabel:binEdges:series:...)`) or let
/// it bin raw samples (`init(title:xLabel:yLabel:samples:binCount:range:...)`).
public struct Histogram: Figure, Equatable {
    /// One distribution: `counts[i]` falls in `binEdges[i] ..< binEdges[i + 1]`.
    public struct Counts: Sendable, Equatable {
        public var name: String
        public var counts: [Double]
        public init(name: String, counts: [Double]) {
            self.name = name
            self.counts = counts
        }
    }

    public var title: String
    /// Include units, e.g. "change in log p(token) with thinking (nats)".
    public var xLabel: String
    public var yLabel: String
    /// Strictly increasing; one more edge than there are bins.
    public var binEdges: [Double]
    public var series: [Counts]
    /// Draws a dashed vertical line here (e.g. at 0: no change); `nil` for none.
    public var referenceX: Double?
    /// Logarithmic count axis (empty bins are then left blank).
    public var logY: Bool
    public var size: PixelSize

    public init(title: String, xLabel: String, yLabel: String = "tokens", binEdges: [Double], series: [Counts],
                referenceX: Double? = nil, logY: Bool = false, size: PixelSize = PixelSize(width: 800, height: 500)) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.binEdges = binEdges
        self.series = series
        self.referenceX = referenceX
        self.logY = logY
        self.size = size
    }

    /// Bins raw samples into `binCount` equal bins over `range` (default: the smallest to the
    /// largest sample of all series). Samples outside `range` are not counted; the top edge is
    /// included in the last bin.
    /// - Throws: `FigureError.invalidSeries` naming a series with NaN or infinite samples.
    public init(title: String, xLabel: String, yLabel: String = "tokens",
                samples: [(name: String, values: [Double])], binCount: Int = 40,
                range: ClosedRange<Double>? = nil, referenceX: Double? = nil, logY: Bool = false,
                size: PixelSize = PixelSize(width: 800, height: 500)) throws {
        for s in samples {
            if let i = s.values.firstIndex(where: { !$0.isFinite }) {
                throw FigureError.invalidSeries(series: s.name, reason: "sample \(i) is \(s.values[i])")
            }
        }
        guard binCount >= 1 else { throw FigureError.invalidFigure(reason: "histogram needs at least one bin") }
        let all = samples.flatMap(\.values)
        var lo = range?.lowerBound ?? all.min() ?? 0
        var hi = range?.upperBound ?? all.max() ?? 1
        if hi <= lo { lo -= 0.5; hi += 0.5 }  // all samples equal: one unit-wide window around them
        let width = (hi - lo) / Double(binCount)
        let edges = (0...binCount).map { lo + Double($0) * width }
        let counted = samples.map { s -> Counts in
            var counts = [Double](repeating: 0, count: binCount)
            for v in s.values where v >= lo && v <= hi {
                counts[min(binCount - 1, Int((v - lo) / width))] += 1
            }
            return Counts(name: s.name, counts: counts)
        }
        self.init(title: title, xLabel: xLabel, yLabel: yLabel, binEdges: edges, series: counted,
                  referenceX: referenceX, logY: logY, size: size)
    }

    /// Throws `FigureError` for bad edges, or a series whose counts do not match the bins.
    public func validate() throws {
        if series.isEmpty { throw FigureError.invalidFigure(reason: "histogram \"\(title)\" has no series") }
        if binEdges.count < 2 || binEdges.contains(where: { !$0.isFinite })
            || zip(binEdges, binEdges.dropFirst()).contains(where: { $0 >= $1 }) {
            throw FigureError.invalidFigure(reason: "histogram \"\(title)\": bin edges must be finite, "
                + "strictly increasing, and at least two")
        }
        for s in series {
            if s.counts.count != binEdges.count - 1 {
                throw FigureError.invalidSeries(series: s.name, reason: "has \(s.counts.count) counts but "
                    + "there are \(binEdges.count - 1) bins (\(binEdges.count) edges)")
            }
            if let i = s.counts.firstIndex(where: { !$0.isFinite || $0 < 0 }) {
                throw FigureError.invalidSeries(series: s.name, reason: "count \(i) is \(s.counts[i])")
            }
        }
    }

    public func render(to directory: URL, name: String, options: RenderOptions) throws -> RenderedFigure {
        try validate()
        return try GnuplotRunner.render(job(name: name), to: directory, name: name, options: options)
    }

    func job(name: String) -> GnuplotJob {
        let dataName = "\(name).dat"
        var data = "# \(dataName): one row per bin\n# columns: left right "
            + series.indices.map { "count\($0 + 1)" }.joined(separator: " ") + "\n"
        for (i, s) in series.enumerated() { data += "# count\(i + 1): \(s.name.replacingOccurrences(of: "\n", with: " "))\n" }
        for b in 0..<(binEdges.count - 1) {
            let row = [binEdges[b], binEdges[b + 1]] + series.map { s in
                logY && s.counts[b] == 0 ? Double.nan : s.counts[b]
            }
            data += row.map { $0.isNaN ? "NaN" : GnuplotText.number($0) }.joined(separator: " ") + "\n"
        }
        var body = [
            "set title \(GnuplotText.literal(title)) noenhanced",
            "set xlabel \(GnuplotText.literal(xLabel)) noenhanced",
            "set ylabel \(GnuplotText.literal(yLabel)) noenhanced",
            "set grid ytics back lt 1 lc rgb \"#E8E8E8\"",
            "set border 3 lc rgb \"#404040\"",
            "set format x \"%g\"",
            "set format y \"%g\"",
            "set tics nomirror out",
            "set key top right inside opaque reverse Left noautotitle samplen 2",
            "set style fill transparent solid \(series.count > 1 ? "0.45" : "0.75") border",
            "set xrange [\(GnuplotText.number(binEdges.first!)):\(GnuplotText.number(binEdges.last!))]",
            logY ? "set logscale y" : "set yrange [0:*]",
        ]
        if let x = referenceX {
            body.append("set arrow from \(GnuplotText.number(x)), graph 0 to \(GnuplotText.number(x)), graph 1 "
                + "nohead dt 2 lw 1.5 lc rgb \"#404040\" front")
        }
        let plots = series.enumerated().map { i, s in
            "\(GnuplotText.literal(dataName)) using (($1 + $2) / 2):\(i + 3):($2 - $1) with boxes "
                + "lc rgb \"\(Palette.line(i))\" title \(GnuplotText.literal(s.name)) noenhanced"
        }
        body.append("plot " + plots.joined(separator: ", \\\n    "))
        return GnuplotJob(dataFiles: [(dataName, data)], body: body, size: size)
    }
}
