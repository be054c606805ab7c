import Foundation

/// What one figure asks gnuplot to do: data files to write, and plot commands to run once per
/// output format. Built by each figure kind; turned into files by `GnuplotRunner`.
struct GnuplotJob {
    /// Data files: name relative to the output folder, and contents.
    var dataFiles: [(fileName: String, contents: String)]
    /// Plot commands, run once for the PNG and once for the vector picture.
    var body: [String]
    /// Picture size in pixels.
    var size: PixelSize
    /// Font family for all text (a monospace family lets token strips predict text width).
    var fontFamily: String = "DejaVu Sans"

    /// The complete script: header, a loop over the two output formats, and the body.
    func script(name: String, options: RenderOptions) -> String {
        let pngFont = options.fontSize
        // Cairo's PNG terminal sets points at 96 dpi, the SVG terminal sets pixels:
        // scale by 96/72 so both pictures have the same proportions.
        let svgFont = options.fontSize * 4 / 3
        let vectorFile = "\(name).\(options.vectorFormat.rawValue)"
        let vectorTerminal: String
        switch options.vectorFormat {
        case .svg:
            vectorTerminal = "set terminal svg size \(size.width),\(size.height) dynamic enhanced "
                + "font \(GnuplotText.literal("\(fontFamily),\(GnuplotText.number(svgFont))")) "
                + "background \"white\""
        case .pdf:
            let w = String(format: "%.3f", Double(size.width) / 96)
            let h = String(format: "%.3f", Double(size.height) / 96)
            vectorTerminal = "set terminal pdfcairo size \(w)in,\(h)in enhanced "
                + "font \(GnuplotText.literal("\(fontFamily),\(GnuplotText.number(pngFont))"))"
        }
        let pngFontSpec = GnuplotText.literal("\(fontFamily),\(GnuplotText.number(pngFont))")
        let reads = dataFiles.isEmpty ? "no data files" : dataFiles.map(\.fileName).joined(separator: ", ")
        var lines: [String] = []
        lines.append("# \(name).gp: rerun with `gnuplot \(name).gp` in this folder.")
        lines.append("# Reads \(reads); writes \(name).png and \(vectorFile).")
        lines.append("set encoding utf8")
        lines.append("do for [format in \"png \(options.vectorFormat.rawValue)\"] {")
        lines.append("  reset")
        lines.append("  # fontsize: the base font size in the current terminal's units")
        lines.append("  if (format eq \"png\") {")
        lines.append("    fontsize = \(GnuplotText.number(pngFont))")
        lines.append("    set terminal pngcairo size \(size.width),\(size.height) enhanced font \(pngFontSpec) background \"white\"")
        lines.append("    set output \(GnuplotText.literal("\(name).png"))")
        lines.append("  } else {")
        lines.append("    fontsize = \(GnuplotText.number(options.vectorFormat == .svg ? svgFont : pngFont))")
        lines.append("    \(vectorTerminal)")
        lines.append("    set output \(GnuplotText.literal(vectorFile))")
        lines.append("  }")
        lines += body.map { "  " + $0 }
        lines += ["  unset output", "}", ""]
        return lines.joined(separator: "\n")
    }
}

/// Checks a file base name: non-empty, no path separators, no characters a shell or gnuplot chokes on.
func validateFigureName(_ name: String) throws {
    let bad = CharacterSet(charactersIn: "/\\\"'\n\r\t\0")
    if name.isEmpty || name.unicodeScalars.contains(where: bad.contains) || name.hasPrefix(".") {
        throw FigureError.invalidFigure(reason: "file name \"\(name)\" must be non-empty, not start with '.', "
            + "and contain no slashes, quotes or control characters")
    }
}
