/// Mixture weights and packing of the training corpora.
///
/// A document is drawn by picking a kind with probability weight / (sum of weights), then one
/// item of that kind (train split only). Kinds:
/// - gsmWorked / gsmDirect: GSM-style problem, k uniform in the configured range.
/// - arithmeticFact: `a op b = c` (one fact per document).
/// - gsmStory: the statements of a problem without its question (text with no reasoning target).
/// - kbFact: one fact sentence of the world, uniform over all facts (held-out entities' `is`
///   facts included: this is the only place those entities appear).
/// - kbOneHop: level-1 question (a category's stated property), direct or worked with equal odds.
/// - kbWorked / kbDirect: question at a level 2 ... hops, uniform (top level: train entities; in the
///   reasoning and generic corpora the fine-tune entities when `kb.fineTuneEntityFraction` > 0;
///   with `kb.bridges` = context, fresh names and links in the question).
/// - kbIsA: `what is zora ?` with the node one `is` link above as the answer among nodes of its
///   level, direct or worked with equal odds; subjects uniform over every entity (held-out ones
///   included) and group. It puts held-out entities into question contexts without ever naming
///   their property values next to them. With `kb.bridges` = context it asks for the link of a
///   name stated in the question instead (`tibu is fish . kobu is tibu . dagi is worm . what is
///   kobu ?`, answer tibu; `CSQAGenerator.isaQuestionInContext`).
public struct CorpusMixture: Codable, Equatable, Sendable {
    public var gsmWorked: Double = 0
    public var gsmDirect: Double = 0
    public var arithmeticFact: Double = 0
    public var gsmStory: Double = 0
    public var kbFact: Double = 0
    public var kbOneHop: Double = 0
    public var kbWorked: Double = 0
    public var kbDirect: Double = 0
    public var kbIsA: Double = 0

    public init(gsmWorked: Double = 0, gsmDirect: Double = 0, arithmeticFact: Double = 0,
                gsmStory: Double = 0, kbFact: Double = 0, kbOneHop: Double = 0,
                kbWorked: Double = 0, kbDirect: Double = 0, kbIsA: Double = 0) {
        self.gsmWorked = gsmWorked; self.gsmDirect = gsmDirect
        self.arithmeticFact = arithmeticFact; self.gsmStory = gsmStory
        self.kbFact = kbFact; self.kbOneHop = kbOneHop
        self.kbWorked = kbWorked; self.kbDirect = kbDirect; self.kbIsA = kbIsA
    }

    /// The measured arithmetic recipe: 40% worked, 30% direct, 30% facts.
    public static let mathRecipe = CorpusMixture(gsmWorked: 0.4, gsmDirect: 0.3, arithmeticFact: 0.3)
    /// The knowledge-base prototype's mixture (15% entity + 10% category facts, 10% one-hop,
    /// 35% worked, 30% direct two-hop).
    public static let kbRecipe = CorpusMixture(kbFact: 0.25, kbOneHop: 0.1, kbWorked: 0.35, kbDirect: 0.3)
    /// Both worlds, half each.
    public static let bothRecipe = CorpusMixture(
        gsmWorked: 0.2, gsmDirect: 0.15, arithmeticFact: 0.15,
        kbFact: 0.125, kbOneHop: 0.05, kbWorked: 0.175, kbDirect: 0.15)
    /// Reasoning-dense continued pretraining (OpenWebMath stand-in): 60% direct problems, so with
    /// k uniform in 1...3 at least 40% of documents are direct answers of multi-step items.
    public static let reasoningDense = CorpusMixture(gsmWorked: 0.2, gsmDirect: 0.6, arithmeticFact: 0.2)
    /// Generic text with little reasoning (C4 stand-in): 45% facts, 45% stories, 10% direct.
    public static let generic = CorpusMixture(gsmDirect: 0.1, arithmeticFact: 0.45, gsmStory: 0.45)
    /// Facts only, for a warm-up phase before the mixture (the recipe used 400 such steps).
    public static let factWarmup = CorpusMixture(arithmeticFact: 1)

    var weights: [Double] {
        [gsmWorked, gsmDirect, arithmeticFact, gsmStory, kbFact, kbOneHop, kbWorked, kbDirect, kbIsA]
    }

    /// The kinds with a non-zero weight, as `kind weight` in declaration order (`sweep data corpus`
    /// prints it above the rows).
    public var summary: String {
        zip(CodingKeys.allCases, weights).filter { $0.1 != 0 }
            .map { "\($0.0.stringValue) \($0.1)" }.joined(separator: ", ")
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case gsmWorked, gsmDirect, arithmeticFact, gsmStory, kbFact, kbOneHop, kbWorked, kbDirect, kbIsA
    }

    public init(from decoder: Decoder) throws {
        try rejectUnknownKeys(decoder, CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        gsmWorked = try c.decodeIfPresent(Double.self, forKey: .gsmWorked) ?? 0
        gsmDirect = try c.decodeIfPresent(Double.self, forKey: .gsmDirect) ?? 0
        arithmeticFact = try c.decodeIfPresent(Double.self, forKey: .arithmeticFact) ?? 0
        gsmStory = try c.decodeIfPresent(Double.self, forKey: .gsmStory) ?? 0
        kbFact = try c.decodeIfPresent(Double.self, forKey: .kbFact) ?? 0
        kbOneHop = try c.decodeIfPresent(Double.self, forKey: .kbOneHop) ?? 0
        kbWorked = try c.decodeIfPresent(Double.self, forKey: .kbWorked) ?? 0
        kbDirect = try c.decodeIfPresent(Double.self, forKey: .kbDirect) ?? 0
        kbIsA = try c.decodeIfPresent(Double.self, forKey: .kbIsA) ?? 0
    }

    /// Whether this mixture has any text of a task's world (GSM-style: problems, arithmetic facts,
    /// stories; CSQA-style: any knowledge-base kind).
    public func covers(_ task: EvalTask) -> Bool {
        switch task {
        case .gsm: return gsmWorked + gsmDirect + arithmeticFact + gsmStory > 0
        case .csqa: return kbFact + kbOneHop + kbWorked + kbDirect + kbIsA > 0
        }
    }

    /// Writes every weight, except `kbIsA` when it is 0: configurations that do not use it keep
    /// the resolved form (and so the base-model cache keys and saved run configs) they had
    /// before it existed.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        for (key, w) in zip(CodingKeys.allCases, weights) where key != .kbIsA || w != 0 {
            try c.encode(w, forKey: key)
        }
    }

    public func validate(field: String) throws {
        for (key, w) in zip(CodingKeys.allCases, weights) where !(w >= 0 && w.isFinite) {
            throw DataConfigError(field: "\(field).\(key.stringValue)", value: "\(w)",
                                  allowed: "a finite weight >= 0")
        }
        if weights.reduce(0, +) <= 0 {
            throw DataConfigError(field: field, value: "all weights 0", allowed: "at least one weight > 0")
        }
    }
}

/// How documents fill the rows of a batch.
public enum Packing: String, Codable, CaseIterable, Sendable {
    /// Documents joined by `<sep>` until the row is full; the last one is cut.
    case packed
    /// One document per row, right-padded with `<pad>` (cut if longer than the row). The measured
    /// recipe trained this way.
    case unpacked
}

/// The corpora of an experiment. Defaults: base = mathRecipe, reasoning = reasoningDense,
/// generic = generic, warmup = factWarmup, unpacked rows.
public struct CorpusConfig: Codable, Equatable, Sendable {
    public var base: CorpusMixture = .mathRecipe
    public var reasoning: CorpusMixture = .reasoningDense
    public var generic: CorpusMixture = .generic
    public var warmup: CorpusMixture = .factWarmup
    public var packing: Packing = .unpacked

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable { case base, reasoning, generic, warmup, packing }

    public init(from decoder: Decoder) throws {
        try rejectUnknownKeys(decoder, CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = CorpusConfig()
        base = try c.decodeIfPresent(CorpusMixture.self, forKey: .base) ?? d.base
        reasoning = try c.decodeIfPresent(CorpusMixture.self, forKey: .reasoning) ?? d.reasoning
        generic = try c.decodeIfPresent(CorpusMixture.self, forKey: .generic) ?? d.generic
        warmup = try c.decodeIfPresent(CorpusMixture.self, forKey: .warmup) ?? d.warmup
        if let raw = try c.decodeIfPresent(String.self, forKey: .packing) {
            guard let p = Packing(rawValue: raw) else {
                throw DataConfigError(field: "corpus.packing", value: "'\(raw)'",
                                      allowed: Packing.allCases.map(\.rawValue).joined(separator: ", "))
            }
            packing = p
        } else { packing = d.packing }
    }

    public func mixture(_ kind: CorpusKind) -> CorpusMixture {
        switch kind {
        case .base: return base
        case .reasoning: return reasoning
        case .generic: return generic
        case .warmup: return warmup
        }
    }

    public func validate() throws {
        for k in CorpusKind.allCases { try mixture(k).validate(field: "corpus.\(k.rawValue)") }
    }
}

/// Which corpus: base pretraining, reasoning-dense continued pretraining, generic text, warm-up.
public enum CorpusKind: String, Codable, CaseIterable, Sendable { case base, reasoning, generic, warmup }

/// Evaluation set sizes and answer form.
public struct EvalConfig: Codable, Equatable, Sendable {
    /// Items per evaluation set. Allowed 1 ... 100000.
    public var itemsPerSet: Int = 500
    /// Whether the answer tokens end with the newline token (the paper scores it too).
    public var answerIncludesNewline: Bool = false

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable { case itemsPerSet, answerIncludesNewline }

    public init(from decoder: Decoder) throws {
        try rejectUnknownKeys(decoder, CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        itemsPerSet = try c.decodeIfPresent(Int.self, forKey: .itemsPerSet) ?? 500
        answerIncludesNewline = try c.decodeIfPresent(Bool.self, forKey: .answerIncludesNewline) ?? false
    }

    public func validate() throws { try Check.range("eval.itemsPerSet", itemsPerSet, 1...100_000) }
}
