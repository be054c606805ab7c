import Foundation

/// A JSON value that keeps the order of object keys (sweep keys are expanded in the order they are
/// written) and the exact text of numbers (so `4` stays an integer when re-encoded).
///
/// Used for the experiment files: parse, deep-merge user overrides over the encoded defaults,
/// check keys against the defaults, then hand the merged text to `JSONDecoder`.
public indirect enum JSON: Equatable, Sendable {
    case object([(String, JSON)])
    case array([JSON])
    case string(String)
    /// The number's source text (valid JSON number syntax).
    case number(String)
    case bool(Bool)
    case null

    public static func == (a: JSON, b: JSON) -> Bool {
        switch (a, b) {
        case let (.object(x), .object(y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        case let (.array(x), .array(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case let (.number(x), .number(y)): return x == y || (Double(x) != nil && Double(x) == Double(y))
        case let (.bool(x), .bool(y)): return x == y
        case (.null, .null): return true
        default: return false
        }
    }

    /// A short name of the value's type, for error messages.
    public var typeName: String {
        switch self {
        case .object: return "an object"
        case .array: return "a list"
        case .string: return "a string"
        case .number: return "a number"
        case .bool: return "true/false"
        case .null: return "null"
        }
    }

    /// The value of `key` in an object (nil for other values or a missing key).
    public subscript(key: String) -> JSON? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.0 == key }?.1
    }

    /// Sets `key` in an object, keeping the position of an existing key.
    public mutating func set(_ key: String, _ value: JSON) {
        guard case .object(var members) = self else { return }
        if let i = members.firstIndex(where: { $0.0 == key }) { members[i].1 = value }
        else { members.append((key, value)) }
        self = .object(members)
    }

    /// The value at a dotted path (`quietstar.thoughtLength`), or nil.
    public func value(at path: [String]) -> JSON? {
        var v: JSON? = self
        for k in path { v = v?[k] }
        return v
    }

    /// Sets the value at a dotted path, creating objects on the way.
    public mutating func set(path: [String], _ value: JSON) {
        guard let first = path.first else { self = value; return }
        var child = self[first] ?? .object([])
        child.set(path: Array(path.dropFirst()), value)
        set(first, child)
    }

    /// `other` merged over `self`: objects merge key by key (recursively), anything else is replaced.
    public func merged(with other: JSON) -> JSON {
        guard case .object = self, case .object(let theirs) = other else { return other }
        var out = self
        for (k, v) in theirs { out.set(k, (out[k] ?? .null).merged(with: v)) }
        return out
    }

    /// Where `other` differs from `self`: dotted paths of the differing values (objects compared key
    /// by key, in any order; a key on one side only counts, its value shown as `(none)`), with both
    /// values as compact text, `self`'s first.
    public func differences(to other: JSON, path: [String] = []) -> [(path: String, this: String, other: String)] {
        if case .object(let mine) = self, case .object(let theirs) = other {
            var out: [(path: String, this: String, other: String)] = []
            var keys = mine.map(\.0)
            for (k, _) in theirs where !keys.contains(k) { keys.append(k) }
            for k in keys {
                switch (self[k], other[k]) {
                case let (a?, b?): out += a.differences(to: b, path: path + [k])
                case let (a?, nil): out.append(((path + [k]).joined(separator: "."), a.text(), "(none)"))
                case let (nil, b?): out.append(((path + [k]).joined(separator: "."), "(none)", b.text()))
                default: break
                }
            }
            return out
        }
        return self == other ? [] : [(path.joined(separator: "."), text(), other.text())]
    }

    /// Compact text; `sortedKeys` gives a canonical form (for hashing).
    public func text(sortedKeys: Bool = false) -> String {
        switch self {
        case .object(let m):
            let members = sortedKeys ? m.sorted { $0.0 < $1.0 } : m
            return "{" + members.map { JSON.quote($0.0) + ":" + $0.1.text(sortedKeys: sortedKeys) }
                .joined(separator: ",") + "}"
        case .array(let a): return "[" + a.map { $0.text(sortedKeys: sortedKeys) }.joined(separator: ",") + "]"
        case .string(let s): return JSON.quote(s)
        case .number(let n): return n
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        }
    }

    /// Indented text for files people read (`<run-id>.json`).
    public func pretty(indent: String = "") -> String {
        let inner = indent + "  "
        switch self {
        case .object(let m) where !m.isEmpty:
            return "{\n" + m.map { inner + JSON.quote($0.0) + ": " + $0.1.pretty(indent: inner) }
                .joined(separator: ",\n") + "\n" + indent + "}"
        case .array(let a) where !a.isEmpty && a.contains(where: { if case .object = $0 { return true }; return false }):
            return "[\n" + a.map { inner + $0.pretty(indent: inner) }.joined(separator: ",\n") + "\n" + indent + "]"
        default: return text()
        }
    }

    /// The value as it appears in a run id: strings bare, numbers as written.
    public var idText: String {
        switch self {
        case .string(let s): return s
        default: return text(sortedKeys: true)
        }
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }
}
