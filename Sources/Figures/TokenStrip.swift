import Foundation

/// Text shown token by token, each token's background coloured by a value on a diverging
/// red–white–blue scale (red = thinking hurt the prediction of that token, blue = it helped),
/// wrapped over lines, with a colour key. Text colour switches between black and white for contrast.
///
/// Tokens without a value (`nil`, e.g. the prompt or a generated thought) are drawn on grey.
/// Newlines inside tokens are shown as `↵` and start a new line; a token of spaces is shown as `␣`.
public struct TokenStrip: Figure, Equatable {
    public var title: String
    public var tokens: [String]
    /// One per token; `nil` for tokens drawn neutral.
    public var values: [Double?]
    /// What the colour encodes, with units, shown above the key.
    public var valueLabel: String
    /// Half-range of the colour scale (values beyond are clamped); `nil` uses the largest |value|.
    public var limit: Double?
    /// Key text at the red end and at the blue end.
    public var negativeMeaning: String
    public var positiveMeaning: String
    /// Key text explaining grey tokens (shown only when some value is `nil`).
    public var neutralMeaning: String
    /// Wrap width, in characters.
    public var columns: Int

    public init(title: String, tokens: [String], values: [Double?],
                valueLabel: String = "change in log p(token) with thinking (nats)", limit: Double? = nil,
                negativeMeaning: String = "thinking hurt", positiveMeaning: String = "thinking helped",
                neutralMeaning: String = "grey: no value (prompt or thought)", columns: Int = 80) {
        self.title = title
        self.tokens = tokens
        self.values = values
        self.valueLabel = valueLabel
        self.limit = limit
        self.negativeMeaning = negativeMeaning
        self.positiveMeaning = positiveMeaning
        self.neutralMeaning = neutralMeaning
        self.columns = columns
    }

    /// The half-range actually used for colours.
    public var colourLimit: Double {
        if let limit { return limit }
        let largest = values.compactMap { $0.map(abs) }.max() ?? 0
        return largest > 0 ? largest : 1
    }

    /// Throws `FigureError` when tokens and values differ in length, a value is NaN or infinite,
    /// or the limit or wrap width is unusable.
    public func validate() throws {
        if tokens.isEmpty { throw FigureError.invalidSeries(series: "tokens", reason: "no tokens (\"\(title)\")") }
        if values.count != tokens.count {
            throw FigureError.invalidSeries(series: "values",
                reason: "has \(values.count) values but there are \(tokens.count) tokens (\"\(title)\")")
        }
        if let i = values.firstIndex(where: { $0.map { !$0.isFinite } ?? false }) {
            throw FigureError.invalidSeries(series: "values",
                reason: "value \(i) (token \"\(tokens[i])\") is \(values[i]!) (\"\(title)\")")
        }
        if let limit, !(limit.isFinite && limit > 0) {
            throw FigureError.invalidFigure(reason: "token strip limit must be positive and finite, got \(limit)")
        }
        if columns < 10 { throw FigureError.invalidFigure(reason: "token strip needs at least 10 columns") }
    }

    public func render(to directory: URL, name: String, options: RenderOptions) throws -> RenderedFigure {
        try validate()
        return try GnuplotRunner.render(job(name: name, fontSize: options.fontSize), to: directory, name: name,
                                        options: options)
    }

    func job(name: String, fontSize: Double = 12) -> GnuplotJob {
        let layout = TokenStripLayout(tokens: tokens, columns: columns)
        let limit = colourLimit
        // Pixel geometry. DejaVu Sans Mono advances 0.6 em; at 96 dpi a 12 pt em is 16 px, and the
        // PNG terminal rounds the advance to 10 px. The SVG's 9.6 px leaves a little slack per box.
        let charPx = (fontSize * 10 / 12).rounded()
        let linePx = (charPx * 2.8).rounded()
        let side = 24.0, top = 56.0, bottom = 130.0
        let keyWidth = 300.0, keyHeight = 14.0, keyBottom = 62.0
        let meaningPx = Double(max(negativeMeaning.count, positiveMeaning.count)) * charPx + 12
        let keyRowWidth = 2 * side + keyWidth + 2 * meaningPx
        let width = max(640.0, side * 2 + layout.width * charPx, keyRowWidth).rounded()
        let height = (top + bottom + Double(layout.lineCount) * linePx).rounded()
        let xUnits = (width - 2 * side) / charPx

        let dataName = "\(name).dat"
        var data = "# \(dataName): one row per token; block 0 has a value, block 1 has none (drawn grey)\n"
            + "# columns: x_centre line half_width value   (x in characters, line from the top)\n"
        var valued = "", neutral = ""
        var body = [
            "set title \(GnuplotText.literal(title)) noenhanced",
            "set format cb \"%g\"",
            "unset border", "unset xtics", "unset ytics", "unset key",
            "set lmargin at screen \(fraction(side, width))",
            "set rmargin at screen \(fraction(width - side, width))",
            "set tmargin at screen \(fraction(height - top, height))",
            "set bmargin at screen \(fraction(bottom, height))",
            "set xrange [0:\(GnuplotText.number(xUnits))]",
            "set yrange [\(layout.lineCount):0]",
            Palette.gnuplotPalette(Palette.diverging),
            "set cbrange [\(GnuplotText.number(-limit)):\(GnuplotText.number(limit))]",
        ]
        // Colour key: a horizontal bar centred under the text, meanings at both ends.
        let keyLeft = (width - keyWidth) / 2
        body.append("set colorbox horizontal user origin screen \(fraction(keyLeft, width)), screen "
            + "\(fraction(keyBottom, height)) size screen \(fraction(keyWidth, width)), screen \(fraction(keyHeight, height))")
        let l = GnuplotText.number(limit), shown = String(format: "%.3g", limit)
        body.append("set cbtics (\"-\(shown)\" -\(l), \"0\" 0, \"+\(shown)\" \(l)) out scale 0.5 nomirror")
        body.append("set label \(GnuplotText.literal(valueLabel)) at screen 0.5, screen "
            + "\(fraction(keyBottom + keyHeight + 14, height)) center noenhanced")
        body.append("set label \(GnuplotText.literal(negativeMeaning)) at screen \(fraction(keyLeft - 10, width)), "
            + "screen \(fraction(keyBottom + keyHeight / 2, height)) right noenhanced tc rgb \"#B2182B\"")
        body.append("set label \(GnuplotText.literal(positiveMeaning)) at screen \(fraction(keyLeft + keyWidth + 10, width)), "
            + "screen \(fraction(keyBottom + keyHeight / 2, height)) left noenhanced tc rgb \"#2166AC\"")
        if values.contains(where: { $0 == nil }) {
            body.append("set label \(GnuplotText.literal(neutralMeaning)) at screen \(fraction(side, width)), "
                + "screen \(fraction(12, height)) left noenhanced tc rgb \"#555555\"")
        }

        for (i, cell) in layout.cells.enumerated() {
            let xc = cell.x + cell.width / 2, yc = Double(cell.line) + 0.5
            let comment = "# \(i): \(cell.text)\n"
            let text: String
            if let v = values[i] {
                valued += comment + [xc, yc, cell.width / 2, v].map(GnuplotText.number).joined(separator: " ") + "\n"
                text = Palette.foreground(on: Palette.diverging(at: v / limit))
            } else {
                neutral += comment + [xc, yc, cell.width / 2, 0].map(GnuplotText.number).joined(separator: " ") + "\n"
                text = "#404040"
            }
            body.append("set label \(GnuplotText.literal(cell.text)) at \(GnuplotText.number(xc)), "
                + "\(GnuplotText.number(yc)) center front noenhanced tc rgb \"\(text)\"")
        }
        // An empty block would make gnuplot warn; a row of NaN keeps block numbering stable instead.
        data += (valued.isEmpty ? "NaN NaN NaN NaN\n" : valued) + "\n\n" + (neutral.isEmpty ? "NaN NaN NaN NaN\n" : neutral)
        var plots: [String] = []
        if !valued.isEmpty {
            plots.append("\(GnuplotText.literal(dataName)) index 0 using 1:2:3:(0.4):4 with boxxyerror "
                + "fs solid 1.0 noborder fc palette")
        }
        if !neutral.isEmpty {
            plots.append("\(GnuplotText.literal(dataName)) index 1 using 1:2:3:(0.4) with boxxyerror "
                + "fs solid 1.0 noborder fc rgb \"#E3E3E3\"")
        }
        if valued.isEmpty {
            // Nothing uses the palette, so draw the key explicitly from an invisible palette point.
            plots.append("NaN with points pt 5 ps 0 lc palette cb 0")
        }
        body.append("plot " + plots.joined(separator: ", \\\n    "))
        return GnuplotJob(dataFiles: [(dataName, data)], body: body,
                          size: PixelSize(width: Int(width), height: Int(height)), fontFamily: "DejaVu Sans Mono")
    }

    private func fraction(_ px: Double, _ total: Double) -> String { String(format: "%.5f", px / total) }
}
