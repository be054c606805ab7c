import Foundation

/// ANSI styling for terminal output, or none. Colour is used when standard output is a terminal
/// and the `NO_COLOR` environment variable is unset or empty (https://no-color.org).
public struct TerminalStyle: Sendable {
    public let colour: Bool
    public init(colour: Bool) { self.colour = colour }

    /// The style for standard output of this process.
    public static func standardOutput(environment: [String: String] = ProcessInfo.processInfo.environment) -> TerminalStyle {
        TerminalStyle(colour: isatty(STDOUT_FILENO) == 1 && (environment["NO_COLOR"] ?? "").isEmpty)
    }

    func wrap(_ s: String, _ code: String) -> String { colour ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
    public func dim(_ s: String) -> String { wrap(s, "2") }
    public func bold(_ s: String) -> String { wrap(s, "1") }
    public func green(_ s: String) -> String { wrap(s, "32") }
    public func red(_ s: String) -> String { wrap(s, "31") }
    public func cyan(_ s: String) -> String { wrap(s, "36") }
}
