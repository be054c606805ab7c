import Foundation

/// `--name value` integer options over a table of defaults; exits with a message on anything else.
struct IntOptions {
    private(set) var values: [String: Int]

    init(_ args: [String], defaults: [String: Int], command: String) {
        values = defaults
        var i = 0
        while i < args.count {
            let a = args[i]
            var name = a, value: String? = nil
            if let eq = a.firstIndex(of: "=") { name = String(a[..<eq]); value = String(a[a.index(after: eq)...]) }
            guard name.hasPrefix("--"), defaults[String(name.dropFirst(2))] != nil else {
                fail("\(command): unknown option \(a) (options: \(defaults.keys.sorted().map { "--" + $0 }.joined(separator: " ")))")
            }
            if value == nil {
                i += 1
                guard i < args.count else { fail("\(command): \(name) needs a value") }
                value = args[i]
            }
            guard let v = Int(value!), v >= 0 else { fail("\(command): \(name) needs a non-negative integer, got \(value!)") }
            values[String(name.dropFirst(2))] = v
            i += 1
        }
    }

    subscript(_ key: String) -> Int { values[key]! }
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(2)
}

/// Monotonic clock in seconds.
func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    if s.isEmpty { return .nan }
    return s.count % 2 == 1 ? s[s.count / 2] : 0.5 * (s[s.count / 2 - 1] + s[s.count / 2])
}

/// Peak resident set size (VmHWM) in MB, from /proc/self/status; nil where unavailable.
func peakResidentMB() -> Double? {
    guard let s = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
    for line in s.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
        if parts.count >= 2, let kb = Double(parts[1]) { return kb / 1024 }
    }
    return nil
}
