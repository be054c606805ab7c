import Foundation

/// A figure that can draw itself with gnuplot.
///
/// Every figure is plain Swift data (numbers and strings, nothing else). Rendering writes, into
/// `directory`:
/// - one or more data files (`<name>.dat`, or `<name>-<part>.dat` when a figure needs several),
/// - a gnuplot script `<name>.gp` that refers to them by relative file name, so that running
///   `gnuplot <name>.gp` inside that folder regenerates the pictures by hand,
/// - the pictures themselves: `<name>.png` and `<name>.svg` (or `<name>.pdf`).
public protocol Figure: Sendable {
    /// Writes data, script and pictures into `directory` (created if missing) and runs gnuplot.
    /// - Throws: `FigureError` when the spec is invalid, gnuplot is missing, or gnuplot fails.
    func render(to directory: URL, name: String, options: RenderOptions) throws -> RenderedFigure
}

extension Figure {
    /// Renders with default options: PNG plus SVG, gnuplot found through `$GNUPLOT` or `$PATH`.
    public func render(to directory: URL, name: String) throws -> RenderedFigure {
        try render(to: directory, name: name, options: RenderOptions())
    }
}

/// The vector format written next to the PNG.
public enum VectorFormat: String, Sendable, CaseIterable {
    case svg
    case pdf
}

/// How a figure is rendered (not what it shows).
public struct RenderOptions: Sendable {
    /// The vector picture written next to the PNG.
    public var vectorFormat: VectorFormat
    /// Path of the gnuplot executable; `nil` means `$GNUPLOT`, then a search of `$PATH`.
    public var gnuplotPath: String?
    /// Base font size in points for the PNG (the SVG is scaled to look the same).
    public var fontSize: Double

    public init(vectorFormat: VectorFormat = .svg, gnuplotPath: String? = nil, fontSize: Double = 12) {
        self.vectorFormat = vectorFormat
        self.gnuplotPath = gnuplotPath
        self.fontSize = fontSize
    }
}

/// The files a rendered figure consists of. All URLs are absolute and the files exist.
public struct RenderedFigure: Sendable, Equatable {
    /// The gnuplot script; rerun it with `gnuplot <name>.gp` from `directory`.
    public var script: URL
    /// Data files read by the script.
    public var dataFiles: [URL]
    /// The raster picture.
    public var png: URL
    /// The vector picture (`.svg` or `.pdf`, see `RenderOptions.vectorFormat`).
    public var vector: URL
    /// Anything gnuplot printed on stderr while succeeding (warnings); empty when all was clean.
    public var gnuplotMessages: String

    /// Every file written, script and data first.
    public var allFiles: [URL] { [script] + dataFiles + [png, vector] }
}

/// A picture size in pixels (PDF output is drawn at 96 pixels per inch, so it looks the same).
public struct PixelSize: Sendable, Equatable {
    public var width: Int
    public var height: Int

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }
}
