/// Word-level tokenizer over a closed vocabulary, built deterministically from a `DataConfig`.
///
/// Id layout: 0 ..< p are the numbers 0 ... p-1 (id of n is n), then the structural words in the
/// order of `structuralWords` (special tokens, `Q:`, `A:`, `steps:`, parentheses, choice letters
/// A ... E, punctuation, operation signs, task words), then gsm.names, gsm.objects, kb.categories,
/// kb groups (hops = 3), kb entities, kb.habitats, kb.foods, kb.colors.
/// Text form: words separated by single spaces, except that `\n` is written with no space on
/// either side, `(` with none after and `)` with none before: `Q: ... ?\n(A) water\nA: B\n`.
/// Splitting inverts this: spaces (and tabs, carriage returns) separate, and each `\n`, `(`, `)`
/// is a token of its own, so `decode(encode(text)) == text` for text in that form and
/// `encode(decode(ids)) == ids` for every id sequence.
/// `<start>` / `<end>` (thought markers) never occur in generated text; `<pad>` fills unpacked
/// rows; `<sep>` joins packed documents.
public struct Vocabulary: Sendable {
    public static let padWord = "<pad>", separatorWord = "<sep>"
    public static let thoughtStartWord = "<start>", thoughtEndWord = "<end>"
    public static let newlineWord = "\n"

    /// Words present whatever the configuration.
    public static let structuralWords: [String] = [
        padWord, separatorWord, thoughtStartWord, thoughtEndWord, newlineWord,
        "Q:", "A:", "steps:", "(", ")", "A", "B", "C", "D", "E",
        ".", "?", "=", "+", "-", "*",
        "has", "more", "less", "than", "times", "as", "many", "how", "does", "have",
        "is", "where", "what", "do", "live", "in", "eat", "color", "are",
    ]

    public let config: DataConfig
    public let knowledgeBase: KnowledgeBase
    /// id -> word.
    public let words: [String]
    let ids: [String: Int]

    public let pad: Int, separator: Int, thoughtStart: Int, thoughtEnd: Int, newline: Int
    public let question: Int, answer: Int, steps: Int, period: Int
    /// Ids of 0 ... p-1 (equal to the numbers).
    public let numberIDs: [Int]
    /// Ids of the letters A ... E.
    public let letterIDs: [Int]
    /// Ids of the first choiceCount letters.
    public let choiceLetterIDs: [Int]
    /// Valid answer tokens for math (numbers + newline) and multiple choice (letters + newline).
    public let mathAnswerIDs: [Int]
    public let choiceAnswerIDs: [Int]

    /// Validates the configuration (`DataConfigError` on bad input) and lays out the ids.
    public init(config: DataConfig) throws {
        try config.validate()
        self.config = config
        let kb = KnowledgeBase(config: config)
        knowledgeBase = kb
        var w = (0..<config.gsm.modulus).map(String.init) + Vocabulary.structuralWords
        w += config.gsm.names + config.gsm.objects + config.kb.categories + kb.groups + kb.entities
        w += config.kb.habitats + config.kb.foods + config.kb.colors
        words = w
        var ids: [String: Int] = [:]
        for (i, s) in w.enumerated() {
            precondition(ids[s] == nil, "vocabulary word '\(s)' twice (validate() should prevent this)")
            ids[s] = i
        }
        self.ids = ids
        pad = ids[Vocabulary.padWord]!; separator = ids[Vocabulary.separatorWord]!
        thoughtStart = ids[Vocabulary.thoughtStartWord]!; thoughtEnd = ids[Vocabulary.thoughtEndWord]!
        newline = ids[Vocabulary.newlineWord]!
        question = ids["Q:"]!; answer = ids["A:"]!; steps = ids["steps:"]!; period = ids["."]!
        numberIDs = Array(0..<config.gsm.modulus)
        letterIDs = choiceLetters.map { ids[$0]! }
        choiceLetterIDs = Array(letterIDs[0..<config.kb.choiceCount])
        mathAnswerIDs = numberIDs + [newline]
        choiceAnswerIDs = choiceLetterIDs + [newline]
    }

    /// V, the number of tokens.
    public var count: Int { words.count }

    public func id(of word: String) throws -> Int {
        guard let i = ids[word] else { throw UnknownWordError(word: word, vocabularySize: count) }
        return i
    }

    public func word(of id: Int) -> String { words[id] }

    /// Ids of a word list (as produced by the generators).
    public func encode(words list: [String]) throws -> [Int] { try list.map { try id(of: $0) } }

    /// Splits text into words (see the type's comment) and maps them to ids.
    public func encode(_ text: String) throws -> [Int] { try encode(words: Vocabulary.split(text)) }

    public func decode(_ tokenIDs: [Int]) -> String { Vocabulary.render(tokenIDs.map { words[$0] }) }

    /// Text -> words: spaces separate; `\n`, `(`, `)` are words of their own.
    public static func split(_ text: String) -> [String] {
        var out: [String] = []
        var cur = ""
        for ch in text {
            if ch == "\n" || ch == "(" || ch == ")" {
                if !cur.isEmpty { out.append(cur); cur = "" }
                out.append(String(ch))
            } else if ch == " " || ch == "\t" || ch == "\r" {
                if !cur.isEmpty { out.append(cur); cur = "" }
            } else {
                cur.append(ch)
            }
        }
        if !cur.isEmpty { out.append(cur) }
        return out
    }

    /// Words -> text: single spaces, none around `\n`, none after `(`, none before `)`.
    public static func render(_ list: [String]) -> String {
        var s = ""
        var prev: String? = nil
        for w in list {
            if let p = prev, p != "\n", p != "(", w != "\n", w != ")" { s += " " }
            s += w
            prev = w
        }
        return s
    }
}
