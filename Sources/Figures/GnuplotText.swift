import Foundation

/// Turns arbitrary Swift strings into gnuplot string literals.
///
/// gnuplot double-quoted strings treat `\` as an escape, and in enhanced text mode the characters
/// `_ ^ @ & ~ { } \` are markup. Every user string this module puts into a script is written with
/// `literal(_:)` and drawn with gnuplot's `noenhanced` flag, so it is shown exactly as given.
/// (Escaping markup with backslashes instead is not enough: gnuplot 5.4's SVG terminal then writes
/// a bare `&` into the file, which is not valid XML. With `noenhanced` it writes `&amp;`.)
/// Enhanced mode stays on for text this module writes itself, such as `10^{3}` tic labels.
enum GnuplotText {
    /// A double-quoted literal for `text`, to be drawn with `noenhanced` (or a file name).
    /// Newlines become line breaks; other control characters become spaces.
    static func literal(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\r", "\t": out += " "
            default:
                if scalar.value < 0x20 || scalar.value == 0x7f { out += " " } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }

    /// A number as gnuplot and data files read it: always a `.` decimal separator, never a locale.
    static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return value.description
    }
}
