/// CommonsenseQA-style multiple-choice questions over the `KnowledgeBase`, in the paper's format:
///     Q: where does zora live ?
///     (A) desert
///     (B) water
///     ...
///     A: B                                              (direct)
///     A: steps: zora is fish . fish live in water . B   (worked: every link, then the letter)
/// Choices: the gold value, `otherCategoryDistractors` values of the same relation held by other
/// categories, the rest random values of the relation's pool; distractors shuffled, gold placed at
/// a uniform position. Split: questions about held-out entities exist only for evaluation; for
/// every other subject, a question text (subject, relation, choice list) is evaluation-only when
/// its `stableHash` falls in the `heldOutQuestionFraction` bucket.

public let choiceLetters = ["A", "B", "C", "D", "E"]

public struct CSQAQuestion: Equatable, Sendable {
    public let subject: String
    public let relation: Relation
    /// subject, ..., category (the bridge); level = chain.count.
    public let chain: [String]
    public let options: [String]
    public let answerIndex: Int
    /// The links stated in the question (`kb.bridges` = context): `kipo is fish . zora is kipo .
    /// lemu is bird .`, shuffled, a distractor link included; empty otherwise.
    public let context: [String]

    public init(subject: String, relation: Relation, chain: [String], options: [String], answerIndex: Int,
                context: [String] = []) {
        self.subject = subject; self.relation = relation; self.chain = chain
        self.options = options; self.answerIndex = answerIndex; self.context = context
    }

    public var level: Int { chain.count }
    public var answerValue: String { options[answerIndex] }
    public var answerLetter: String { choiceLetters[answerIndex] }

    /// `Q: [context] question \n (A) o1 \n ... A:`
    public var promptWords: [String] {
        var w = ["Q:"] + context + relation.questionWords(subject: subject, plural: level == 1) + ["\n"]
        for (i, o) in options.enumerated() { w += ["(", choiceLetters[i], ")", o, "\n"] }
        return w + ["A:"]
    }

    /// `steps: zora is fish . fish live in water .`
    public var solutionWords: [String] {
        var w = ["steps:"]
        for i in 0..<(chain.count - 1) { w += [chain[i], "is", chain[i + 1], "."] }
        return w + relation.factWords(category: chain.last!, value: answerValue)
    }

    public func words(_ format: CSQAFormat) -> [String] {
        switch format {
        case .worked: return promptWords + solutionWords + [answerLetter, "\n"]
        case .direct: return promptWords + [answerLetter, "\n"]
        }
    }

    /// Hash of the question text's content: subject, relation, choice list, context.
    var hash: UInt64 { stableHash(words: [subject, relation.rawValue] + options + context) }
}

/// A membership question `Q: what is zora ?\n(A) fish ... A: C` (worked: `A: steps: zora is fish . C`):
/// the answer is the node one `is` link above the subject, the distractors other nodes of that
/// level. It is never evaluated; it only puts subjects into question contexts.
public struct CSQAIsAQuestion: Equatable, Sendable {
    public let subject: String
    public let options: [String]
    public let answerIndex: Int
    /// The links stated in the question (`kb.bridges` = context), as in `CSQAQuestion.context`;
    /// empty otherwise.
    public var context: [String] = []

    public var answer: String { options[answerIndex] }

    public func words(_ format: CSQAFormat) -> [String] {
        var w = ["Q:"] + context + ["what", "is", subject, "?", "\n"]
        for (i, o) in options.enumerated() { w += ["(", choiceLetters[i], ")", o, "\n"] }
        w.append("A:")
        if format == .worked { w += ["steps:", subject, "is", answer, "."] }
        return w + [choiceLetters[answerIndex], "\n"]
    }
}

public enum CSQAFormat: String, Codable, CaseIterable, Sendable { case worked, direct }

/// stableHash of a word list (FNV-1a over UTF-8 bytes with a separator byte).
func stableHash(words: [String]) -> UInt64 {
    var ints: [Int] = []
    for w in words { ints += w.utf8.map(Int.init); ints.append(-1) }
    return stableHash(ints)
}

public struct CSQAGenerator: Sendable {
    public let kb: KnowledgeBase
    public var config: KBConfig { kb.config }

    public init(knowledgeBase: KnowledgeBase) { kb = knowledgeBase }

    /// Whether a question may appear in training text (false: evaluation only).
    public func isTrainText(_ q: CSQAQuestion) -> Bool {
        !kb.isHeldOut(q.subject) && !inHeldOutBucket(q.hash, fraction: config.heldOutQuestionFraction)
    }

    /// A question about `subject` whose text belongs to `split`, to be written in `format`.
    /// Held-out entities only have held-out questions, held-out groups no direct training
    /// question (preconditions); a held-out group's question texts split like any other's.
    public func question(subject: String, relation: Relation, split: Split, format: CSQAFormat = .direct,
                         using rng: inout SplitMix64) -> CSQAQuestion {
        precondition(config.bridges == .weights || kb.level(of: subject) == 1,
                     "kb.bridges is context: only categories are fixed subjects")
        let heldSubject = kb.isHeldOut(subject)
        precondition(!(heldSubject && split == .train), "\(subject) is held out: no training questions")
        precondition(!(kb.isHeldOutGroup(subject) && split == .train && format == .direct),
                     "\(subject) is a held-out group: no direct training questions")
        while true {
            let q = draw(subject: subject, relation: relation, using: &rng)
            if heldSubject || isTrainText(q) == (split == .train) { return q }
        }
    }

    /// A question at a level (1 ... hops) with a uniformly drawn subject and relation.
    /// At the top level, train questions use train entities (`fineTune`: the fine-tune entities,
    /// or the train entities when there are none); held-out ones use held-out entities. Below
    /// the top level, direct train questions skip held-out groups.
    public func question(level: Int, split: Split, fineTune: Bool = false, format: CSQAFormat = .direct,
                         using rng: inout SplitMix64) -> CSQAQuestion {
        precondition((1...config.hops).contains(level), "level \(level) outside 1 ... \(config.hops)")
        if config.bridges == .context && level > 1 {
            let r = rng.pick(Relation.allCases)
            while true {
                let q = drawInContext(level: level, relation: r, using: &rng)
                if isTrainText(q) == (split == .train) { return q }
            }
        }
        let trainSubjects = fineTune && !kb.fineTuneEntities.isEmpty ? kb.fineTuneEntities : kb.trainEntities
        var subjects = level == config.hops
            ? (split == .train ? trainSubjects : kb.heldOutEntities) : kb.subjects(level: level)
        if split == .train && format == .direct && level < config.hops && !kb.heldOutGroups.isEmpty {
            subjects = subjects.filter { !kb.isHeldOutGroup($0) }
        }
        let s = rng.pick(subjects)
        let r = rng.pick(Relation.allCases)
        return question(subject: s, relation: r, split: split, format: format, using: &rng)
    }

    /// A membership question about a subject drawn uniformly from every entity (held-out ones
    /// included) and group; the choices are the gold parent and other nodes of its level, shuffled.
    /// With `kb.bridges` = context: `isaQuestionInContext`.
    public func isaQuestion(using rng: inout SplitMix64) -> CSQAIsAQuestion {
        if config.bridges == .context { return isaQuestionInContext(using: &rng) }
        let subject = rng.pick(kb.entities + kb.groups)
        let gold = kb.parent[subject]!
        let level = kb.level(of: gold)
        let others = kb.subjects(level: level).filter { $0 != gold }
        var options = rng.sample(others, count: min(config.choiceCount - 1, others.count))
        let at = rng.below(options.count + 1)
        options.insert(gold, at: at)
        return CSQAIsAQuestion(subject: subject, options: options, answerIndex: at)
    }

    /// A membership question of the context world, which asks for the link of one name in the
    /// question: the links are drawn as in a multi-hop question (`drawInContext`: a level of 2 ...
    /// hops, fresh names, a distractor link, shuffled), the subject is a node of the chain below
    /// the category, drawn uniformly, and the answer is the node its own link names:
    ///     `Q: tibu is fish . kobu is tibu . dagi is worm . what is kobu ?` -> tibu
    /// The choices are the answer, the targets of the question's other links but the subject
    /// (up to choiceCount - 1 of them), and the rest drawn from the categories and the context
    /// names other than the subject, shuffled, the answer at a uniform position.
    func isaQuestionInContext(using rng: inout SplitMix64) -> CSQAIsAQuestion {
        let level = rng.int(in: 2...config.hops)
        let category = rng.pick(config.categories)
        let names = rng.sample(kb.contextNames, count: level)
        let chain = Array(names[0..<(level - 1)]) + [category]
        let decoy = rng.pick(config.categories.filter { $0 != category })
        let links = contextLinks(chain: chain, decoy: [names[level - 1], "is", decoy, "."], using: &rng)
        let asked = rng.below(level - 1)
        let subject = chain[asked], gold = chain[asked + 1]
        let n = config.choiceCount - 1
        var options = Array(links.map { $0[2] }.filter { $0 != gold && $0 != subject }.prefix(n))
        let rest = (config.categories + kb.contextNames).filter { $0 != gold && $0 != subject && !options.contains($0) }
        options += rng.sample(rest, count: n - options.count)
        rng.shuffle(&options)
        let at = rng.below(options.count + 1)
        options.insert(gold, at: at)
        return CSQAIsAQuestion(subject: subject, options: options, answerIndex: at, context: links.flatMap { $0 })
    }

    /// One fact sentence, uniform over all facts of the world, followed by `\n`.
    public func fact(using rng: inout SplitMix64) -> [String] {
        rng.pick(kb.factSentences) + ["\n"]
    }

    func draw(subject: String, relation: Relation, using rng: inout SplitMix64) -> CSQAQuestion {
        let chain = kb.chain(from: subject)
        let (options, at) = choices(relation: relation, category: chain.last!, fixed: [],
                                    otherCategories: config.otherCategoryDistractors, using: &rng)
        return CSQAQuestion(subject: subject, relation: relation, chain: chain,
                            options: options, answerIndex: at)
    }

    /// The choice list of a question about `category`'s value of `relation`: the gold value, the
    /// `fixed` distractors, up to `otherCategories` values of other categories (distinct, neither
    /// gold nor fixed), the rest from the relation's pool; distractors shuffled, gold inserted at a
    /// uniform position. Returns the options and the gold index.
    func choices(relation: Relation, category: String, fixed: [String], otherCategories: Int,
                 using rng: inout SplitMix64) -> (options: [String], at: Int) {
        let gold = kb.property[category]![relation]!
        var others: [String] = []
        for c in config.categories where c != category {
            let v = kb.property[c]![relation]!
            if v != gold && !fixed.contains(v) && !others.contains(v) { others.append(v) }
        }
        let n = config.choiceCount - 1
        var distractors = fixed + rng.sample(others, count: min(otherCategories, others.count))
        let rest = config.pool(relation).filter { $0 != gold && !distractors.contains($0) }
        distractors += rng.sample(rest, count: n - distractors.count)
        rng.shuffle(&distractors)
        let at = rng.below(config.choiceCount)
        var options = distractors
        options.insert(gold, at: at)
        return (options, at)
    }

    /// A question at `level` >= 2 of the context world: a uniform category; subject, bridge
    /// nodes and a distractor subject distinct names from `kb.contextNames`; the links of the
    /// chain plus `distractor is <other category>` (a category whose value of the relation
    /// differs from the gold one), shuffled. The distractor category's value is always one of
    /// the choices (it counts as one of `otherCategoryDistractors` when that is at least 1).
    func drawInContext(level: Int, relation: Relation, using rng: inout SplitMix64) -> CSQAQuestion {
        let category = rng.pick(config.categories)
        let gold = kb.property[category]![relation]!
        let names = rng.sample(kb.contextNames, count: level)
        let chain = Array(names[0..<(level - 1)]) + [category]
        let decoys = config.categories.filter { kb.property[$0]![relation]! != gold }
        let decoy = rng.pick(decoys)
        let links = contextLinks(chain: chain, decoy: [names[level - 1], "is", decoy, "."], using: &rng)
        let (options, at) = choices(relation: relation, category: category, fixed: [kb.property[decoy]![relation]!],
                                    otherCategories: max(config.otherCategoryDistractors - 1, 0), using: &rng)
        return CSQAQuestion(subject: chain[0], relation: relation, chain: chain, options: options,
                            answerIndex: at, context: links.flatMap { $0 })
    }

    /// The links `chain[i] is chain[i + 1] .` of a context-world question plus the `decoy` link,
    /// shuffled (one draw).
    func contextLinks(chain: [String], decoy: [String], using rng: inout SplitMix64) -> [[String]] {
        var links: [[String]] = (0..<(chain.count - 1)).map { [chain[$0], "is", chain[$0 + 1], "."] }
        links.append(decoy)
        rng.shuffle(&links)
        return links
    }
}
