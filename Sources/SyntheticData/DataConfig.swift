/// Everything that defines the synthetic data: the two worlds, the corpora, the evaluation sets.
/// The vocabulary, the knowledge base, the corpora and the evaluation sets are pure functions of
/// this value (plus an explicit seed for sampling), so every component built from the same
/// `DataConfig` agrees on token ids. Missing JSON keys take the defaults; unknown keys are errors.
public struct DataConfig: Codable, Equatable, Sendable {
    public var gsm = GSMConfig()
    public var kb = KBConfig()
    public var corpus = CorpusConfig()
    public var eval = EvalConfig()

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable { case gsm, kb, corpus, eval }

    public init(from decoder: Decoder) throws {
        try rejectUnknownKeys(decoder, CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        gsm = try c.decodeIfPresent(GSMConfig.self, forKey: .gsm) ?? GSMConfig()
        kb = try c.decodeIfPresent(KBConfig.self, forKey: .kb) ?? KBConfig()
        corpus = try c.decodeIfPresent(CorpusConfig.self, forKey: .corpus) ?? CorpusConfig()
        eval = try c.decodeIfPresent(EvalConfig.self, forKey: .eval) ?? EvalConfig()
    }

    /// Validates every part, then that no configured word is used twice across pools or collides
    /// with a structural word of the vocabulary.
    public func validate() throws {
        try gsm.validate()
        try kb.validate()
        try corpus.validate()
        try eval.validate()
        var owner: [String: String] = [:]
        for w in Vocabulary.structuralWords { owner[w] = "the fixed vocabulary" }
        for n in 0..<gsm.modulus { owner[String(n)] = "the number tokens" }
        let pools: [(String, [String])] = [
            ("gsm.names", gsm.names), ("gsm.objects", gsm.objects), ("kb.categories", kb.categories),
            ("kb.habitats", kb.habitats), ("kb.foods", kb.foods), ("kb.colors", kb.colors)]
        for (field, words) in pools {
            for w in words {
                if let o = owner[w] {
                    throw DataConfigError(field: field, value: "'\(w)'",
                                          allowed: "words not already used by \(o)")
                }
                owner[w] = field
            }
        }
    }

    /// Every vocabulary word that is not a generated nonce name.
    var nonNonceWords: Set<String> {
        Set(Vocabulary.structuralWords + (0..<gsm.modulus).map(String.init) + gsm.names + gsm.objects
            + kb.categories + kb.habitats + kb.foods + kb.colors)
    }
}
