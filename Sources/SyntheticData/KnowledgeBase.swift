/// The CommonsenseQA-style world: a fixed tree of nonce entities -> (nonce groups ->) categories,
/// and one value per (category, relation).
///
/// Levels: a category is level 1 (its property is one stated fact), a subject k `is` links above
/// its category is level k + 1. hops = 2: entities are level 2. hops = 3: groups are level 2 and
/// entities level 3. Facts (one sentence each):
///     `zora is fish .`   `fish live in water .`   `fish eat worms .`   `fish are red .`
/// Construction is a pure function of the `DataConfig` (names avoid every other vocabulary word):
/// nonce names are CVCV words in an order shuffled by `worldSeed`; memberships are round-robin over
/// a shuffled order so categories stay balanced; the first round(fraction * n) entities of that
/// order are held out, so held-out entities spread over categories. With `kb.bridges` = context
/// there are no fixed memberships (`parent` is empty, no entity is held out, fine-tune or train):
/// the facts are the category properties only, and each question brings its own links.

/// The three relations, with their fixed phrasing.
public enum Relation: String, Codable, CaseIterable, Sendable {
    case live, eat, color

    /// `where does zora live ?` (singular subject) / `where do fish live ?` (category, plural).
    public func questionWords(subject: String, plural: Bool) -> [String] {
        switch self {
        case .live: return ["where", plural ? "do" : "does", subject, "live", "?"]
        case .eat: return ["what", plural ? "do" : "does", subject, "eat", "?"]
        case .color: return ["what", "color", plural ? "are" : "is", subject, "?"]
        }
    }

    /// `fish live in water .` / `fish eat worms .` / `fish are red .`
    public func factWords(category: String, value: String) -> [String] {
        switch self {
        case .live: return [category, "live", "in", value, "."]
        case .eat: return [category, "eat", value, "."]
        case .color: return [category, "are", value, "."]
        }
    }

    var code: Int { self == .live ? 1 : self == .eat ? 2 : 3 }
}

public struct KnowledgeBase: Sendable {
    public let config: KBConfig
    /// All entities, in generation order.
    public let entities: [String]
    /// Groups (hops = 3 only; empty otherwise).
    public let groups: [String]
    /// subject -> the node one `is` link above (entity -> group or category, group -> category).
    public let parent: [String: String]
    /// category -> relation -> value.
    public let property: [String: [Relation: String]]
    public let heldOutEntities: [String]
    /// Groups held out with all their members (`kb.heldOutGroupFraction`; empty by default): no
    /// direct question about them is training text, worked ones are.
    public let heldOutGroups: [String]
    /// Entities whose top-level questions only the continued-training corpora ask (`kb.fineTuneEntityFraction`).
    public let fineTuneEntities: [String]
    /// The rest: their top-level questions are in the base corpus.
    public let trainEntities: [String]
    /// Every fact sentence of the world: `is` links of entities and groups, then properties.
    public let factSentences: [[String]]

    /// Consonants and vowels of the nonce CVCV names.
    static let consonants = Array("bdfgklmnprstvz").map(String.init)
    static let vowels = Array("aeiou").map(String.init)

    /// Builds the world; `config.validate()` must hold (the Vocabulary checks it).
    public init(config data: DataConfig) {
        let config = data.kb
        self.config = config
        var rng = SplitMix64(derivedFrom: config.worldSeed, 0x4B42)
        var nonce: [String] = []
        for a in Self.consonants { for b in Self.vowels { for c in Self.consonants { for d in Self.vowels {
            nonce.append(a + b + c + d)
        } } } }
        rng.shuffle(&nonce)
        let reserved = data.nonNonceWords
        nonce = nonce.filter { !reserved.contains($0) }
        let nGroups = config.hops == 3 ? config.groupCount : 0
        entities = Array(nonce[0..<config.entityCount])
        groups = Array(nonce[config.entityCount..<(config.entityCount + nGroups)])

        var parent: [String: String] = [:]
        var order = entities
        rng.shuffle(&order)
        var heldGroups: [String] = []
        if config.hops == 3 {
            var gorder = groups
            rng.shuffle(&gorder)
            for (i, g) in gorder.enumerated() { parent[g] = config.categories[i % config.categories.count] }
            for (i, e) in order.enumerated() { parent[e] = gorder[i % gorder.count] }
            heldGroups = Array(gorder[0..<config.heldOutGroupCount])
        } else {
            for (i, e) in order.enumerated() { parent[e] = config.categories[i % config.categories.count] }
        }
        var property: [String: [Relation: String]] = [:]
        for r in Relation.allCases {
            var pool = config.pool(r)
            rng.shuffle(&pool)
            for (j, c) in config.categories.enumerated() { property[c, default: [:]][r] = pool[j % pool.count] }
        }
        self.property = property
        // Held-out groups: their members, in entity order, come first, so the slices below work
        // the same with and without them.
        let heldGroupSet = Set(heldGroups)
        if !heldGroups.isEmpty {
            order = order.filter { heldGroupSet.contains(parent[$0]!) } + order.filter { !heldGroupSet.contains(parent[$0]!) }
        }
        let held = Set(order[0..<config.heldOutEntityCount])
        let fineTune = Set(order[config.heldOutEntityCount..<(config.heldOutEntityCount + config.fineTuneEntityCount)])
        var facts: [[String]] = []
        if config.bridges == .context {
            // Memberships are not fixed: each question states its own links (the draws above
            // still run, so the category properties equal those of the `weights` world).
            self.parent = [:]
            heldOutGroups = []; heldOutEntities = []; fineTuneEntities = []; trainEntities = []
        } else {
            self.parent = parent
            heldOutGroups = groups.filter(heldGroupSet.contains)
            heldOutEntities = entities.filter(held.contains)
            fineTuneEntities = entities.filter(fineTune.contains)
            trainEntities = entities.filter { !held.contains($0) && !fineTune.contains($0) }
            for s in entities + groups { facts.append([s, "is", parent[s]!, "."]) }
        }
        for c in config.categories {
            for r in Relation.allCases { facts.append(r.factWords(category: c, value: property[c]![r]!)) }
        }
        factSentences = facts
    }

    /// subject, parent, ..., category.
    public func chain(from subject: String) -> [String] {
        var c = [subject]
        while let p = parent[c.last!] { c.append(p) }
        return c
    }

    public func category(of subject: String) -> String { chain(from: subject).last! }

    /// The value a question about `subject` and `relation` asks for.
    public func answer(subject: String, relation: Relation) -> String {
        property[category(of: subject)]![relation]!
    }

    /// 1 for categories, 1 + number of `is` links otherwise.
    public func level(of subject: String) -> Int { chain(from: subject).count }

    /// A held-out entity: no question about it is training text.
    public func isHeldOut(_ entity: String) -> Bool { heldOutEntities.contains(entity) }

    /// A held-out group: training text asks about it only in the worked format.
    public func isHeldOutGroup(_ subject: String) -> Bool { heldOutGroups.contains(subject) }

    /// The nonce names context questions (`kb.bridges` = context) draw their subjects and bridge
    /// nodes from: every entity and group name.
    public var contextNames: [String] { entities + groups }

    /// Subjects at a level: 1 categories; hops = 3: 2 groups, 3 entities; hops = 2: 2 entities.
    public func subjects(level: Int) -> [String] {
        if level == 1 { return config.categories }
        if level == config.hops { return entities }
        return groups
    }

}
