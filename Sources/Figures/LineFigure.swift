import Foundation

/// Line plots with optional shaded bands, in one or more panels laid out in a row or a grid.
///
/// Covers accuracy vs training step (Figure 2), accuracy vs inference compute, maj@k vs k
/// (Figure 5) and training curves. All series go to `<name>.dat`, one block per series.
public struct LineFigure: Figure, Equatable {
    /// How panels are arranged.
    public enum Layout: Sendable, Equatable {
        /// All panels side by side.
        case row
        /// Rows of `columns` panels, filled left to right, top to bottom.
        case grid(columns: Int)
    }

    /// Overall title above all panels; `nil` for none.
    public var title: String?
    public var panels: [Panel]
    public var layout: Layout
    /// Picture size; `nil` gives 600 x 500 pixels per panel (plus room for the overall title).
    public var size: PixelSize?

    public init(title: String? = nil, panels: [Panel], layout: Layout = .row, size: PixelSize? = nil) {
        self.title = title
        self.panels = panels
        self.layout = layout
        self.size = size
    }

    /// A single-panel figure.
    public init(_ panel: Panel, size: PixelSize? = nil) {
        self.init(title: nil, panels: [panel], layout: .row, size: size)
    }

    /// Rows and columns of the layout.
    public var grid: (rows: Int, columns: Int) {
        switch layout {
        case .row: return (1, max(1, panels.count))
        case .grid(let columns):
            let c = max(1, min(columns, panels.count))
            return ((panels.count + c - 1) / c, c)
        }
    }

    /// Throws `FigureError` describing the first problem found.
    public func validate() throws {
        if panels.isEmpty { throw FigureError.invalidFigure(reason: "line figure has no panels") }
        if case .grid(let columns) = layout, columns < 1 {
            throw FigureError.invalidFigure(reason: "grid needs at least one column, got \(columns)")
        }
        for panel in panels { try panel.validate() }
    }

    public func render(to directory: URL, name: String, options: RenderOptions) throws -> RenderedFigure {
        try validate()
        return try GnuplotRunner.render(job(name: name), to: directory, name: name, options: options)
    }

    /// The data file and plot commands (exposed to tests through `@testable`).
    func job(name: String) -> GnuplotJob {
        let dataName = "\(name).dat"
        let (rows, columns) = grid
        let pictureSize = size ?? PixelSize(width: 600 * columns, height: 500 * rows + (title == nil ? 0 : 40))

        // One colour per distinct series name, in order of first appearance across panels.
        var colours: [String: String] = [:]
        for s in panels.flatMap(\.series) where colours[s.name] == nil {
            colours[s.name] = Palette.line(colours.count)
        }

        let header = "# \(dataName): one block per series (blocks separated by two blank lines).\n"
            + "# columns: x  y  lower  upper  (lower = upper = y when a series has no band)\n"
        var blocks: [String] = []
        var body: [String] = []
        var multiplot = "set multiplot layout \(rows),\(columns)"
        if let title { multiplot += " title \(GnuplotText.literal(title)) noenhanced font sprintf(\",%g\", fontsize * 1.2)" }
        body.append(multiplot)
        body.append("set style fill transparent solid 0.22 noborder")
        body.append("set grid back lt 1 lc rgb \"#E8E8E8\" lw 1")
        body.append("set border 3 lc rgb \"#404040\"")
        body.append("set tics nomirror out")

        var block = 0
        for (p, panel) in panels.enumerated() {
            body.append("# panel \(p + 1): \(panel.title.replacingOccurrences(of: "\n", with: " "))")
            body.append("set title \(GnuplotText.literal(panel.title)) noenhanced")
            body.append("set xlabel \(GnuplotText.literal(panel.xLabel)) noenhanced")
            body.append("set ylabel \(GnuplotText.literal(panel.yLabel)) noenhanced")
            body.append(Self.keyCommand(panel.legend))
            body.append(contentsOf: Self.axisCommands(panel))

            var bands: [String] = [], lines: [String] = []
            for s in panel.series {
                let label = "panel \(panel.title), series \(s.name)".replacingOccurrences(of: "\n", with: " ")
                var text = "# block \(block): \(label)\n"
                for i in s.x.indices {
                    let lo = s.lower?[i] ?? s.y[i], hi = s.upper?[i] ?? s.y[i]
                    text += [s.x[i], s.y[i], lo, hi].map(GnuplotText.number).joined(separator: " ") + "\n"
                }
                blocks.append(text)
                let colour = "lc rgb \"\(colours[s.name]!)\""
                if s.hasBand {
                    bands.append("\(GnuplotText.literal(dataName)) index \(block) using 1:3:4 "
                        + "with filledcurves \(colour) notitle")
                }
                let points = s.showsPoints ?? (s.x.count <= 20 && !s.dashed)
                let style = points ? "linespoints pt 7 ps 0.7" : "lines"
                let title = s.name.isEmpty ? "notitle" : "title \(GnuplotText.literal(s.name)) noenhanced"
                lines.append("\(GnuplotText.literal(dataName)) index \(block) using 1:2 with \(style) "
                    + "lw 2 \(colour) dt \(s.dashed ? 2 : 1) \(title)")
                block += 1
            }
            body.append("plot " + (bands + lines).joined(separator: ", \\\n    "))
        }
        body.append("unset multiplot")
        let data = header + blocks.joined(separator: "\n\n")
        return GnuplotJob(dataFiles: [(dataName, data)], body: body, size: pictureSize)
    }

    static func keyCommand(_ legend: Panel.Legend) -> String {
        switch legend {
        case .topLeft: return "set key top left inside opaque reverse Left noautotitle samplen 2"
        case .topRight: return "set key top right inside opaque reverse Left noautotitle samplen 2"
        case .bottomLeft: return "set key bottom left inside opaque reverse Left noautotitle samplen 2"
        case .bottomRight: return "set key bottom right inside opaque reverse Left noautotitle samplen 2"
        case .below: return "set key below center horizontal Left reverse noopaque noautotitle samplen 2 height 0.6"
        case .hidden: return "unset key"
        }
    }

    static func axisCommands(_ panel: Panel) -> [String] {
        var out: [String] = []
        if panel.logX {
            // Wide ranges (FLOPs) get tics at powers of ten; narrow ones (thought tokens 1...24)
            // get tics at powers of two, which a base-10 axis would leave almost bare.
            let xs = panel.series.flatMap(\.x)
            let lo = panel.xRange?.lowerBound ?? xs.min() ?? 1, hi = panel.xRange?.upperBound ?? xs.max() ?? 1
            if hi / lo >= 100 {
                out.append("set logscale x 10")
                out.append("set format x \"10^{%L}\"")
            } else {
                out.append("set logscale x 2")
                out.append("set format x \"%g\"")
            }
        } else {
            out.append("unset logscale x")
            out.append("set format x \"%g\"")
        }
        // A few whole-number x values (difficulty levels, k of maj@k): a tic at each whole number,
        // not at 1.5; otherwise gnuplot's own spacing (set again: settings carry over between panels).
        let xs = Set(panel.series.flatMap(\.x))
        let whole = !panel.logX && (2...12).contains(xs.count) && xs.allSatisfy { $0 == $0.rounded() }
            && (xs.max()! - xs.min()!) <= 12
        out.append(whole ? "set xtics 1" : "set xtics autofreq")
        if let r = panel.xRange {
            out.append("set xrange [\(GnuplotText.number(r.lowerBound)):\(GnuplotText.number(r.upperBound))]")
        } else {
            out.append("set autoscale x")
            out.append("set autoscale xfixmin")
            out.append("set autoscale xfixmax")
        }
        if let r = panel.yRange {
            out.append("set yrange [\(GnuplotText.number(r.lowerBound)):\(GnuplotText.number(r.upperBound))]")
        } else {
            out.append("set autoscale y")
        }
        return out
    }
}
