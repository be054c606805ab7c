/// Knobs of the CommonsenseQA-style world: nonce entities -> (groups ->) categories -> properties.
///
/// hops = 2: entity `is` category, category has a value for each relation; a question about an
/// entity needs entity -> category -> value. hops = 3 inserts a layer of nonce groups:
/// entity -> group -> category -> value. Defaults follow the second prototype (48 entities,
/// 10 categories, 3 relations with 8 values each, 5 choices, 30% of entities held out).
/// `kb.bridges`: where a multi-hop question's `is` links are (see `KBConfig.bridges`).
public enum Bridges: String, Codable, CaseIterable, Sendable { case weights, context }

public struct KBConfig: Codable, Equatable, Sendable {
    /// Composition depth of the hardest questions. Allowed 2 or 3.
    public var hops: Int = 2
    /// Number of nonce entities (generated CVCV words). Allowed 2 ... 400.
    public var entityCount: Int = 48
    /// Number of nonce groups, used only when hops = 3. Allowed categories.count ... 200.
    public var groupCount: Int = 20
    /// Category words (at least 2).
    public var categories: [String] = ["fish", "bird", "ape", "worm", "bat",
                                       "crab", "frog", "mole", "snake", "bee"]
    /// Value pools of the three relations: `live in`, `eat`, `are` (colour).
    public var habitats: [String] = ["water", "desert", "tree", "cave", "sky", "swamp", "field", "ice"]
    public var foods: [String] = ["worms", "seeds", "fruit", "leaves", "insects", "grass", "fungi", "nectar"]
    public var colors: [String] = ["red", "blue", "green", "black", "white", "brown", "gray", "yellow"]
    /// Answer choices per question (letters A ... ). Allowed 2 ... 5; every pool needs this many values.
    public var choiceCount: Int = 5
    /// Distractors taken from other categories' values of the same relation (the rest are random
    /// values of that relation). Allowed 0 ... choiceCount - 1.
    public var otherCategoryDistractors: Int = 2
    /// Fraction of entities held out: their facts appear only as single-fact documents, their
    /// multi-hop questions only in evaluation. Must leave at least one entity on each side.
    public var heldOutEntityFraction: Double = 0.3
    /// Fraction of entities (besides the held-out ones) whose top-level questions never appear in
    /// the base corpus: the continued-training corpora (reasoning, generic) ask about these only,
    /// so continued training meets multi-hop questions the base model has not memorised, as it
    /// meets fresh problems in the GSM-style world. 0 (the default): none; the continued-training
    /// corpora then ask about the train entities, like the base corpus. Allowed 0 ... 0.5, leaving
    /// at least one train entity.
    public var fineTuneEntityFraction: Double = 0
    /// Fraction of groups held out together with all their entities (hops = 3 only). 0 (the
    /// default): none, and `heldOutEntityFraction` picks the held-out entities. Above 0 the
    /// held-out entities are exactly the members of the held-out groups (`heldOutEntityFraction`
    /// is then not used), and no direct question about a held-out group appears in training text
    /// (worked ones do, so the bridge `group is category` is seen inside questions). A direct
    /// answer about a held-out entity then needs entity -> group -> category -> value, with no
    /// direct question to learn a group -> value shortcut from. Allowed 0 ... 0.5, leaving at
    /// least one group.
    public var heldOutGroupFraction: Double = 0
    /// Fraction of question texts (subject, relation, choice list) of non-held-out subjects that
    /// are reserved for evaluation. Allowed 0.01 ... 0.5.
    public var heldOutQuestionFraction: Double = 0.1
    /// Seed of the world itself (names, memberships, properties, held-out entities).
    public var worldSeed: UInt64 = 0
    /// Where the `is` links of a multi-hop question live. `weights` (the default): the world has
    /// fixed memberships, stated as fact sentences, which the model must learn. `context`: only
    /// the category -> property facts are fixed; every multi-hop question states its own links
    /// in the question, with nonce names drawn afresh per question (from the world's entity and
    /// group names) and a distractor link to another category, shuffled:
    ///     `Q: kipo is fish . zora is kipo . lemu is bird . where does zora live ?`
    /// Held-out and fine-tune entities and held-out groups do not exist then (the split is by
    /// question text, context included), `heldOutEntityFraction` / `fineTuneEntityFraction` are
    /// not used, and membership questions (kbIsA) ask for the link of a name stated in the question
    /// (`Q: kipo is fish . zora is kipo . lemu is bird . what is zora ?`, answer kipo).
    public var bridges: Bridges = .weights

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case hops, entityCount, groupCount, categories, habitats, foods, colors, choiceCount,
             otherCategoryDistractors, heldOutEntityFraction, fineTuneEntityFraction, heldOutGroupFraction,
             heldOutQuestionFraction, worldSeed, bridges
    }

    public init(from decoder: Decoder) throws {
        try rejectUnknownKeys(decoder, CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = KBConfig()
        hops = try c.decodeIfPresent(Int.self, forKey: .hops) ?? d.hops
        entityCount = try c.decodeIfPresent(Int.self, forKey: .entityCount) ?? d.entityCount
        groupCount = try c.decodeIfPresent(Int.self, forKey: .groupCount) ?? d.groupCount
        categories = try c.decodeIfPresent([String].self, forKey: .categories) ?? d.categories
        habitats = try c.decodeIfPresent([String].self, forKey: .habitats) ?? d.habitats
        foods = try c.decodeIfPresent([String].self, forKey: .foods) ?? d.foods
        colors = try c.decodeIfPresent([String].self, forKey: .colors) ?? d.colors
        choiceCount = try c.decodeIfPresent(Int.self, forKey: .choiceCount) ?? d.choiceCount
        otherCategoryDistractors = try c.decodeIfPresent(Int.self, forKey: .otherCategoryDistractors)
            ?? d.otherCategoryDistractors
        heldOutEntityFraction = try c.decodeIfPresent(Double.self, forKey: .heldOutEntityFraction)
            ?? d.heldOutEntityFraction
        fineTuneEntityFraction = try c.decodeIfPresent(Double.self, forKey: .fineTuneEntityFraction)
            ?? d.fineTuneEntityFraction
        heldOutGroupFraction = try c.decodeIfPresent(Double.self, forKey: .heldOutGroupFraction)
            ?? d.heldOutGroupFraction
        heldOutQuestionFraction = try c.decodeIfPresent(Double.self, forKey: .heldOutQuestionFraction)
            ?? d.heldOutQuestionFraction
        worldSeed = try c.decodeIfPresent(UInt64.self, forKey: .worldSeed) ?? d.worldSeed
        if let raw = try c.decodeIfPresent(String.self, forKey: .bridges) {
            guard let b = Bridges(rawValue: raw) else {
                throw DataConfigError(field: "kb.bridges", value: "'\(raw)'",
                                      allowed: Bridges.allCases.map(\.rawValue).joined(separator: ", "))
            }
            bridges = b
        }
    }

    /// Every field, except `fineTuneEntityFraction` and `heldOutGroupFraction` when they are 0 and
    /// `bridges` when it is `weights`:
    /// worlds that do not use them keep the resolved form (base-model cache keys, saved run
    /// configs) they had before they existed.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(hops, forKey: .hops)
        try c.encode(entityCount, forKey: .entityCount)
        try c.encode(groupCount, forKey: .groupCount)
        try c.encode(categories, forKey: .categories)
        try c.encode(habitats, forKey: .habitats)
        try c.encode(foods, forKey: .foods)
        try c.encode(colors, forKey: .colors)
        try c.encode(choiceCount, forKey: .choiceCount)
        try c.encode(otherCategoryDistractors, forKey: .otherCategoryDistractors)
        try c.encode(heldOutEntityFraction, forKey: .heldOutEntityFraction)
        if fineTuneEntityFraction != 0 { try c.encode(fineTuneEntityFraction, forKey: .fineTuneEntityFraction) }
        if heldOutGroupFraction != 0 { try c.encode(heldOutGroupFraction, forKey: .heldOutGroupFraction) }
        try c.encode(heldOutQuestionFraction, forKey: .heldOutQuestionFraction)
        try c.encode(worldSeed, forKey: .worldSeed)
        if bridges != .weights { try c.encode(bridges, forKey: .bridges) }
    }

    /// Number of held-out entities: round(fraction * entityCount), or with held-out groups the
    /// number of their members (memberships are round-robin, so the first groups of the shuffled
    /// group order, which are the held-out ones, hold ceil(entityCount / groupCount) entities each).
    public var heldOutEntityCount: Int {
        if heldOutGroupCount > 0 {
            return (0..<heldOutGroupCount).reduce(0) { n, g in
                n + entityCount / groupCount + (g < entityCount % groupCount ? 1 : 0)
            }
        }
        return Int((heldOutEntityFraction * Double(entityCount)).rounded())
    }

    /// Number of held-out groups: round(fraction * groupCount) (0 unless hops = 3).
    public var heldOutGroupCount: Int {
        hops == 3 ? Int((heldOutGroupFraction * Double(groupCount)).rounded()) : 0
    }

    /// Number of fine-tune entities: round(fraction * entityCount).
    public var fineTuneEntityCount: Int { Int((fineTuneEntityFraction * Double(entityCount)).rounded()) }

    public func pool(_ r: Relation) -> [String] {
        switch r {
        case .live: return habitats
        case .eat: return foods
        case .color: return colors
        }
    }

    public func validate() throws {
        if hops != 2 && hops != 3 {
            throw DataConfigError(field: "kb.hops", value: "\(hops)", allowed: "2 or 3")
        }
        try Check.range("kb.entityCount", entityCount, 2...400)
        try Check.pool("kb.categories", categories, minCount: 2)
        if hops == 3 { try Check.range("kb.groupCount", groupCount, categories.count...200) }
        try Check.range("kb.choiceCount", choiceCount, 2...5)
        for (field, pool) in [("kb.habitats", habitats), ("kb.foods", foods), ("kb.colors", colors)] {
            try Check.pool(field, pool, minCount: choiceCount)
        }
        try Check.range("kb.otherCategoryDistractors", otherCategoryDistractors, 0...(choiceCount - 1))
        let held = heldOutEntityCount
        if bridges == .context && heldOutGroupFraction != 0 {
            throw DataConfigError(field: "kb.heldOutGroupFraction", value: "\(heldOutGroupFraction)",
                                  allowed: "0 when kb.bridges is context (no group is fixed)")
        }
        if heldOutGroupFraction != 0 {
            let field = "kb.heldOutGroupFraction", value = "\(heldOutGroupFraction)"
            if hops != 3 {
                throw DataConfigError(field: field, value: value, allowed: "0 when kb.hops is 2 (there are no groups)")
            }
            let n = heldOutGroupCount
            if !(heldOutGroupFraction > 0 && heldOutGroupFraction <= 0.5) || n < 1 || n > groupCount - 1 {
                throw DataConfigError(field: field, value: value,
                                      allowed: "0, or a fraction in (0, 0.5] holding out 1 ... \(groupCount - 1) "
                                        + "of the \(groupCount) groups")
            }
            if held > entityCount - 1 {
                throw DataConfigError(field: field, value: value,
                                      allowed: "a fraction whose groups hold 1 ... \(entityCount - 1) of the "
                                        + "\(entityCount) entities (these hold \(held))")
            }
        } else if !(heldOutEntityFraction > 0 && heldOutEntityFraction < 1) || held < 1 || held > entityCount - 1 {
            throw DataConfigError(field: "kb.heldOutEntityFraction", value: "\(heldOutEntityFraction)",
                                  allowed: "a fraction in (0, 1) leaving 1 ... \(entityCount - 1) "
                                    + "of the \(entityCount) entities held out")
        }
        let fineTune = fineTuneEntityCount
        if !(fineTuneEntityFraction >= 0 && fineTuneEntityFraction <= 0.5) || held + fineTune > entityCount - 1 {
            throw DataConfigError(field: "kb.fineTuneEntityFraction", value: "\(fineTuneEntityFraction)",
                                  allowed: "0 ... 0.5, leaving at least one of the \(entityCount) entities "
                                    + "neither held out nor fine-tune")
        }
        if !(heldOutQuestionFraction >= 0.01 && heldOutQuestionFraction <= 0.5) {
            throw DataConfigError(field: "kb.heldOutQuestionFraction", value: "\(heldOutQuestionFraction)",
                                  allowed: "0.01 ... 0.5")
        }
    }
}
