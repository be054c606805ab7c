import Foundation

/// A strict JSON parser (RFC 8259) producing `JSON` with object keys in file order.
/// Errors give the line and column; duplicate keys in one object are errors.
struct JSONParser {
    struct SyntaxError: Error { let message: String; let line: Int; let column: Int }

    private let bytes: [UInt8]
    private var pos = 0

    static func parse(_ text: String) throws -> JSON {
        var p = JSONParser(bytes: Array(text.utf8))
        p.skipSpace()
        let v = try p.value()
        p.skipSpace()
        guard p.pos == p.bytes.count else { throw p.error("unexpected text after the JSON value") }
        return v
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private func error(_ message: String) -> SyntaxError {
        var line = 1, column = 1
        for b in bytes[0..<min(pos, bytes.count)] {
            if b == UInt8(ascii: "\n") { line += 1; column = 1 } else { column += 1 }
        }
        return SyntaxError(message: message, line: line, column: column)
    }

    private var peek: UInt8? { pos < bytes.count ? bytes[pos] : nil }

    private mutating func skipSpace() {
        while let c = peek, c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { pos += 1 }
    }

    private mutating func expect(_ word: String) throws {
        let w = Array(word.utf8)
        guard pos + w.count <= bytes.count, Array(bytes[pos..<(pos + w.count)]) == w else {
            throw error("expected '\(word)'")
        }
        pos += w.count
    }

    private mutating func value() throws -> JSON {
        guard let c = peek else { throw error("unexpected end of file") }
        switch c {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try expect("true"); return .bool(true)
        case UInt8(ascii: "f"): try expect("false"); return .bool(false)
        case UInt8(ascii: "n"): try expect("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw error("unexpected character '\(Character(UnicodeScalar(c)))'")
        }
    }

    private mutating func object() throws -> JSON {
        pos += 1
        var members: [(String, JSON)] = []
        skipSpace()
        if peek == UInt8(ascii: "}") { pos += 1; return .object(members) }
        while true {
            skipSpace()
            guard peek == UInt8(ascii: "\"") else { throw error("expected a key in double quotes") }
            let key = try string()
            if members.contains(where: { $0.0 == key }) { throw error("key \"\(key)\" appears twice") }
            skipSpace()
            guard peek == UInt8(ascii: ":") else { throw error("expected ':' after key \"\(key)\"") }
            pos += 1
            skipSpace()
            members.append((key, try value()))
            skipSpace()
            if peek == UInt8(ascii: ",") { pos += 1; continue }
            if peek == UInt8(ascii: "}") { pos += 1; return .object(members) }
            throw error("expected ',' or '}' in an object")
        }
    }

    private mutating func array() throws -> JSON {
        pos += 1
        var items: [JSON] = []
        skipSpace()
        if peek == UInt8(ascii: "]") { pos += 1; return .array(items) }
        while true {
            skipSpace()
            items.append(try value())
            skipSpace()
            if peek == UInt8(ascii: ",") { pos += 1; continue }
            if peek == UInt8(ascii: "]") { pos += 1; return .array(items) }
            throw error("expected ',' or ']' in a list")
        }
    }

    private mutating func string() throws -> String {
        pos += 1
        var out: [UInt8] = []
        while true {
            guard let c = peek else { throw error("unterminated string") }
            pos += 1
            if c == UInt8(ascii: "\"") { break }
            if c < 0x20 { throw error("control character inside a string") }
            if c != UInt8(ascii: "\\") { out.append(c); continue }
            guard let e = peek else { throw error("unterminated string") }
            pos += 1
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "u"):
                guard pos + 4 <= bytes.count,
                      let code = UInt32(String(decoding: bytes[pos..<(pos + 4)], as: UTF8.self), radix: 16),
                      let scalar = UnicodeScalar(code) else { throw error("bad \\u escape") }
                pos += 4
                out += Array(String(Character(scalar)).utf8)
            default: throw error("bad escape in a string")
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private mutating func number() throws -> JSON {
        let start = pos
        func digits() -> Int { let s = pos; while let c = peek, c >= 0x30 && c <= 0x39 { pos += 1 }; return pos - s }
        if peek == UInt8(ascii: "-") { pos += 1 }
        guard digits() > 0 else { throw error("bad number") }
        if peek == UInt8(ascii: ".") { pos += 1; guard digits() > 0 else { throw error("bad number") } }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            pos += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { pos += 1 }
            guard digits() > 0 else { throw error("bad number") }
        }
        return .number(String(decoding: bytes[start..<pos], as: UTF8.self))
    }
}
