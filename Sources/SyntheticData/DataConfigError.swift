/// A configuration value outside its allowed set. `field` is the dotted path of the offending
/// key (for example `gsm.modulus`), `value` what was given, `allowed` the admissible values.
public struct DataConfigError: Error, CustomStringConvertible, Equatable, Sendable {
    public let field: String
    public let value: String
    public let allowed: String

    public init(field: String, value: String, allowed: String) {
        self.field = field
        self.value = value
        self.allowed = allowed
    }

    public var description: String { "invalid \(field) = \(value); allowed: \(allowed)" }
}

/// Tokenizer failure: a word that is not in the closed vocabulary.
public struct UnknownWordError: Error, CustomStringConvertible, Equatable, Sendable {
    public let word: String
    public let vocabularySize: Int
    public var description: String {
        "unknown word '\(word)': not in the vocabulary of \(vocabularySize) tokens"
    }
}

/// Any string coding key, used to list the keys present in a JSON object.
struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { return nil }
}

/// Strict decoding: reject keys that the type does not know, naming the key's path and the known
/// keys. Missing keys keep their documented defaults (each config decodes with `decodeIfPresent`).
func rejectUnknownKeys<K: CodingKey & CaseIterable>(_ decoder: Decoder, _ keys: K.Type) throws {
    let known = K.allCases.map(\.stringValue)
    let c = try decoder.container(keyedBy: AnyKey.self)
    let path = decoder.codingPath.map(\.stringValue)
    for key in c.allKeys where !known.contains(key.stringValue) {
        throw DataConfigError(field: (path + [key.stringValue]).joined(separator: "."),
                              value: "(unknown key)", allowed: "keys " + known.joined(separator: ", "))
    }
}

/// Checks shared by the configs.
enum Check {
    static func range<T: Comparable & CustomStringConvertible>(
        _ field: String, _ v: T, _ r: ClosedRange<T>) throws {
        if !r.contains(v) {
            throw DataConfigError(field: field, value: "\(v)",
                                  allowed: "\(r.lowerBound) ... \(r.upperBound)")
        }
    }

    /// A pool of words: non-empty (unless `mayBeEmpty`), distinct, each a single token
    /// (no whitespace, no parentheses).
    static func pool(_ field: String, _ words: [String], minCount: Int, mayBeEmpty: Bool = false) throws {
        if words.isEmpty && mayBeEmpty { return }
        if words.count < minCount {
            throw DataConfigError(field: field, value: "\(words.count) words",
                                  allowed: "at least \(minCount) distinct words")
        }
        var seen = Set<String>()
        for w in words {
            if w.isEmpty || w.contains(where: { $0.isWhitespace || $0 == "(" || $0 == ")" }) {
                throw DataConfigError(field: field, value: "'\(w)'",
                                      allowed: "non-empty words without spaces or parentheses")
            }
            if !seen.insert(w).inserted {
                throw DataConfigError(field: field, value: "'\(w)' (repeated)", allowed: "distinct words")
            }
        }
    }
}
