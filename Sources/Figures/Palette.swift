import Foundation

/// Colours shared by all figures.
///
/// Lines use the Okabe–Ito palette, which stays distinguishable under the common forms of colour
/// blindness. Values with a sign (a token helped or hurt by thinking) use a red–white–blue
/// diverging scale (red = negative, blue = positive), also safe for red–green colour blindness.
/// Densities use a viridis-like sequential scale.
public enum Palette {
    /// Okabe–Ito line colours, most distinct first (yellow last: it is faint on white).
    public static let lines: [String] = [
        "#0072B2", // blue
        "#D55E00", // vermillion
        "#009E73", // bluish green
        "#CC79A7", // reddish purple
        "#E69F00", // orange
        "#56B4E9", // sky blue
        "#000000", // black
        "#F0E442", // yellow
    ]

    /// The line colour for the `index`-th distinct series name of a figure (wraps around).
    public static func line(_ index: Int) -> String { lines[((index % lines.count) + lines.count) % lines.count] }

    /// Diverging stops from -1 (red) through 0 (near white) to +1 (blue): ColorBrewer RdBu.
    static let diverging: [(position: Double, rgb: (Double, Double, Double))] = [
        (-1.0, (0.698, 0.094, 0.169)), // #B2182B
        (-0.5, (0.957, 0.647, 0.510)), // #F4A582
        (0.0, (0.969, 0.969, 0.969)),  // #F7F7F7
        (0.5, (0.573, 0.773, 0.871)),  // #92C5DE
        (1.0, (0.129, 0.400, 0.675)),  // #2166AC
    ]

    /// Sequential stops from 0 (dark purple) to 1 (yellow): viridis sampled at five points.
    static let sequential: [(position: Double, rgb: (Double, Double, Double))] = [
        (0.00, (0.267, 0.005, 0.329)), // #440154
        (0.25, (0.231, 0.322, 0.545)), // #3B528B
        (0.50, (0.129, 0.565, 0.553)), // #21908D
        (0.75, (0.365, 0.788, 0.388)), // #5DC963
        (1.00, (0.992, 0.906, 0.145)), // #FDE725
    ]

    /// A `set palette defined (...)` command for the given stops.
    static func gnuplotPalette(_ stops: [(position: Double, rgb: (Double, Double, Double))]) -> String {
        let parts = stops.map { stop in
            "\(GnuplotText.number(stop.position)) \"\(hex(stop.rgb))\""
        }
        return "set palette defined (" + parts.joined(separator: ", ") + ")"
    }

    /// The diverging colour for `t` in -1...1 (clamped), as red, green, blue in 0...1.
    static func diverging(at t: Double) -> (Double, Double, Double) {
        let t = min(1, max(-1, t.isNaN ? 0 : t))
        let stops = diverging
        for i in 1..<stops.count where t <= stops[i].position {
            let a = stops[i - 1], b = stops[i]
            let f = (t - a.position) / (b.position - a.position)
            return (a.rgb.0 + f * (b.rgb.0 - a.rgb.0),
                    a.rgb.1 + f * (b.rgb.1 - a.rgb.1),
                    a.rgb.2 + f * (b.rgb.2 - a.rgb.2))
        }
        return stops[stops.count - 1].rgb
    }

    /// Black or white, whichever reads better on `background` (WCAG relative luminance).
    static func foreground(on background: (Double, Double, Double)) -> String {
        func linear(_ c: Double) -> Double { c <= 0.03928 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4) }
        let l = 0.2126 * linear(background.0) + 0.7152 * linear(background.1) + 0.0722 * linear(background.2)
        // Contrast with black is (l + 0.05) / 0.05, with white 1.05 / (l + 0.05); pick the larger.
        return (l + 0.05) / 0.05 >= 1.05 / (l + 0.05) ? "#000000" : "#FFFFFF"
    }

    /// `#RRGGBB` for components in 0...1.
    static func hex(_ rgb: (Double, Double, Double)) -> String {
        func byte(_ c: Double) -> Int { Int((min(1, max(0, c)) * 255).rounded()) }
        return String(format: "#%02X%02X%02X", byte(rgb.0), byte(rgb.1), byte(rgb.2))
    }
}
