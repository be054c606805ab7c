import Foundation

/// A 2-D density: counts in rectangular bins, coloured on a sequential (viridis-like) scale
/// with a labelled colour key. Empty bins stay white.
///
/// The improvement figure plots, per token, the change in log-probability with thinking (y)
/// against the token's negative log-likelihood without thinking (x).
public struct Heatmap: Figure, Equatable {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    /// Label of the colour key, e.g. "tokens per bin".
    public var colorLabel: String
    /// Strictly increasing x bin edges (one more than the number of columns).
    public var xEdges: [Double]
    /// Strictly increasing y bin edges (one more than the number of rows).
    public var yEdges: [Double]
    /// `counts[row][column]`: the bin `yEdges[row]..<yEdges[row+1]` by `xEdges[column]..<xEdges[column+1]`.
    public var counts: [[Double]]
    /// Logarithmic colour scale (densities are often concentrated in a few bins).
    public var logColor: Bool
    /// Draws a dashed horizontal line here (e.g. at 0: no change); `nil` for none.
    public var referenceY: Double?
    public var size: PixelSize

    public init(title: String, xLabel: String, yLabel: String, colorLabel: String = "count",
                xEdges: [Double], yEdges: [Double], counts: [[Double]], logColor: Bool = false,
                referenceY: Double? = nil, size: PixelSize = PixelSize(width: 800, height: 600)) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.colorLabel = colorLabel
        self.xEdges = xEdges
        self.yEdges = yEdges
        self.counts = counts
        self.logColor = logColor
        self.referenceY = referenceY
        self.size = size
    }

    /// Bins raw points `(x[i], y[i])` into `xBins` by `yBins` equal bins over the given ranges
    /// (default: the data's extent). Points outside the ranges are not counted.
    /// - Throws: `FigureError.invalidSeries` (named "points") when `x` and `y` differ in length or
    ///   hold NaN or infinite values.
    public init(title: String, xLabel: String, yLabel: String, colorLabel: String = "count",
                x: [Double], y: [Double], xBins: Int = 40, yBins: Int = 40,
                xRange: ClosedRange<Double>? = nil, yRange: ClosedRange<Double>? = nil,
                logColor: Bool = false, referenceY: Double? = nil,
                size: PixelSize = PixelSize(width: 800, height: 600)) throws {
        try Series(name: "points", x: x, y: y).validate(context: "heatmap \"\(title)\"")
        guard xBins >= 1, yBins >= 1 else { throw FigureError.invalidFigure(reason: "heatmap needs at least one bin per axis") }
        func edges(_ values: [Double], _ range: ClosedRange<Double>?, _ n: Int) -> [Double] {
            var lo = range?.lowerBound ?? values.min()!, hi = range?.upperBound ?? values.max()!
            if hi <= lo { lo -= 0.5; hi += 0.5 }
            return (0...n).map { lo + Double($0) * (hi - lo) / Double(n) }
        }
        let xe = edges(x, xRange, xBins), ye = edges(y, yRange, yBins)
        func bin(_ v: Double, _ e: [Double]) -> Int? {
            guard v >= e.first!, v <= e.last! else { return nil }
            return min(e.count - 2, Int((v - e.first!) / (e.last! - e.first!) * Double(e.count - 1)))
        }
        var grid = [[Double]](repeating: [Double](repeating: 0, count: xBins), count: yBins)
        for (px, py) in zip(x, y) {
            if let c = bin(px, xe), let r = bin(py, ye) { grid[r][c] += 1 }
        }
        self.init(title: title, xLabel: xLabel, yLabel: yLabel, colorLabel: colorLabel, xEdges: xe, yEdges: ye,
                  counts: grid, logColor: logColor, referenceY: referenceY, size: size)
    }

    /// Throws `FigureError` for bad edges or a counts matrix of the wrong shape.
    public func validate() throws {
        for (axis, e) in [("x", xEdges), ("y", yEdges)] {
            if e.count < 2 || e.contains(where: { !$0.isFinite }) || zip(e, e.dropFirst()).contains(where: { $0 >= $1 }) {
                throw FigureError.invalidFigure(reason: "heatmap \"\(title)\": \(axis) edges must be finite, "
                    + "strictly increasing, and at least two")
            }
        }
        if counts.count != yEdges.count - 1 {
            throw FigureError.invalidSeries(series: "counts", reason: "has \(counts.count) rows but there are "
                + "\(yEdges.count - 1) y bins (heatmap \"\(title)\")")
        }
        for (r, row) in counts.enumerated() {
            if row.count != xEdges.count - 1 {
                throw FigureError.invalidSeries(series: "counts", reason: "row \(r) has \(row.count) values but "
                    + "there are \(xEdges.count - 1) x bins (heatmap \"\(title)\")")
            }
            if let c = row.firstIndex(where: { !$0.isFinite || $0 < 0 }) {
                throw FigureError.invalidSeries(series: "counts", reason: "counts[\(r)][\(c)] is \(row[c])")
            }
        }
    }

    public func render(to directory: URL, name: String, options: RenderOptions) throws -> RenderedFigure {
        try validate()
        return try GnuplotRunner.render(job(name: name), to: directory, name: name, options: options)
    }

    func job(name: String) -> GnuplotJob {
        let dataName = "\(name).dat"
        var data = "# \(dataName): one row per non-empty bin\n"
            + "# columns: x_centre y_centre x_half_width y_half_width count\n"
        var maxCount = 0.0
        for (r, row) in counts.enumerated() {
            for (c, value) in row.enumerated() where value > 0 {
                maxCount = max(maxCount, value)
                let xc = (xEdges[c] + xEdges[c + 1]) / 2, yc = (yEdges[r] + yEdges[r + 1]) / 2
                let hw = (xEdges[c + 1] - xEdges[c]) / 2, hh = (yEdges[r + 1] - yEdges[r]) / 2
                data += [xc, yc, hw, hh, value].map(GnuplotText.number).joined(separator: " ") + "\n"
            }
        }
        var body = [
            "set title \(GnuplotText.literal(title)) noenhanced",
            "set xlabel \(GnuplotText.literal(xLabel)) noenhanced",
            "set ylabel \(GnuplotText.literal(yLabel)) noenhanced",
            "set cblabel \(GnuplotText.literal(colorLabel)) noenhanced",
            Palette.gnuplotPalette(Palette.sequential),
            "set border lc rgb \"#404040\"",
            "set format x \"%g\"",
            "set format y \"%g\"",
            "set tics out nomirror",
            "unset key",
            "set xrange [\(GnuplotText.number(xEdges.first!)):\(GnuplotText.number(xEdges.last!))]",
            "set yrange [\(GnuplotText.number(yEdges.first!)):\(GnuplotText.number(yEdges.last!))]",
        ]
        if logColor {
            body.append("set logscale cb")
            body.append("set cbrange [1:\(GnuplotText.number(max(10, maxCount)))]")
        } else {
            body.append("set cbrange [0:\(GnuplotText.number(max(1, maxCount)))]")
        }
        if let y = referenceY {
            // A white line under a dark dashed one stays visible on dark and light cells alike.
            let ends = "from graph 0, first \(GnuplotText.number(y)) to graph 1, first \(GnuplotText.number(y))"
            body.append("set arrow \(ends) nohead lw 3 lc rgb \"#FFFFFF\" front")
            body.append("set arrow \(ends) nohead dt 2 lw 1.5 lc rgb \"#202020\" front")
        }
        if maxCount == 0 {
            // Nothing to draw: still show labelled, empty axes rather than failing.
            body.append("plot NaN notitle")
        } else {
            body.append("plot \(GnuplotText.literal(dataName)) using 1:2:3:4:5 with boxxyerror "
                + "fs solid 1.0 noborder fc palette notitle")
        }
        return GnuplotJob(dataFiles: [(dataName, data)], body: body, size: size)
    }
}
