/// Held-out evaluation sets. Items come only from the held-out split (GSM skeletons in the held-out
/// hash bucket; questions about held-out entities; other questions in the held-out text bucket),
/// which no corpus ever draws, so no evaluation question appears in training text.
///
/// Sets (names): `gsm-k1` ... `gsm-k<maxSteps>` (difficulty k); `csqa-hop1` ... `csqa-hop<hops>`
/// (difficulty = level; the top level asks about held-out entities); `csqa-hop<hops>-train`
/// (top level, train entities, held-out question texts; not with `kb.bridges` = context). Each item's set generator is
/// SplitMix64(derivedFrom: seed, set number), so sets do not depend on each other's sizes.

public enum EvalTask: String, Codable, Sendable { case gsm, csqa }

public struct EvalItem: Equatable, Sendable {
    public let task: EvalTask
    /// k for GSM, the level (hops) for CSQA.
    public let difficulty: Int
    /// Question tokens up to and including `A:`.
    public let prompt: [Int]
    /// The answer token (number or letter), followed by `\n` when `answerIncludesNewline`.
    public let answer: [Int]
    /// Tokens the answer probability is renormalised over (numbers or letters, plus `\n`).
    public let validAnswerTokens: [Int]
    /// The worked solution between `A:` and the answer: `steps: ... .` (explicit-steps and
    /// oracle-thought checks).
    public let solution: [Int]
    /// The intermediate values, for the oracle check: GSM v_1 ... v_{k-1}; CSQA the bridge
    /// nodes (subject's parents up to the category).
    public let intermediates: [String]
}

public struct EvalSet: Sendable {
    public let name: String
    public let task: EvalTask
    public let difficulty: Int
    public let items: [EvalItem]
}

public enum EvalSuite {
    /// The standard sets, `vocabulary.config.eval.itemsPerSet` items each.
    public static func standard(vocabulary: Vocabulary, seed: UInt64) -> [EvalSet] {
        let config = vocabulary.config
        let n = config.eval.itemsPerSet
        let gsm = try! GSMGenerator(config: config.gsm)  // the vocabulary validated the config
        let csqa = CSQAGenerator(knowledgeBase: vocabulary.knowledgeBase)
        var sets: [EvalSet] = []
        var setNumber: UInt64 = 0
        func rng() -> SplitMix64 { setNumber += 1; return SplitMix64(derivedFrom: seed, 0xE7A1, setNumber) }
        for k in config.gsm.stepRange {
            var r = rng()
            let items = (0..<n).map { _ in
                gsmItem(gsm.problem(k: k, split: .heldOut, using: &r), vocabulary: vocabulary)
            }
            sets.append(EvalSet(name: "gsm-k\(k)", task: .gsm, difficulty: k, items: items))
        }
        let hops = config.kb.hops
        for level in 1...hops {
            var r = rng()
            let items = (0..<n).map { _ in
                csqaItem(csqa.question(level: level, split: .heldOut, using: &r), vocabulary: vocabulary)
            }
            sets.append(EvalSet(name: "csqa-hop\(level)", task: .csqa, difficulty: level, items: items))
        }
        // The context world has no train entities: every question is new text.
        if config.kb.bridges == .context { return sets }
        var r = rng()
        let items = (0..<n).map { _ in
            csqaItem(csqa.question(subject: r.pick(vocabulary.knowledgeBase.trainEntities),
                                   relation: r.pick(Relation.allCases), split: .heldOut, using: &r),
                     vocabulary: vocabulary)
        }
        sets.append(EvalSet(name: "csqa-hop\(hops)-train", task: .csqa, difficulty: hops, items: items))
        return sets
    }

    /// `count` GSM-style items of exactly `k` operations, k in 1 ... 8, also beyond
    /// `gsm.maxSteps` (a chain longer than any in training text); named `gsm-k<k>-cot`.
    /// Skeletons come from the held-out bucket, as in the standard sets, so for k within the
    /// training range no item is in training text either; the rest of the GSM config (names,
    /// operands, distractors) is the world's. Its generator is SplitMix64(derivedFrom: seed,
    /// 0xC07, k), independent of the standard sets.
    /// Precondition: k in 1 ... 8 and `gsm.names` has k + 1 + maxDistractors names
    /// (`GSMConfig.allowsChains(k:)`; experiments validate `eval.cot.steps` with it).
    public static func chains(k: Int, count: Int, vocabulary: Vocabulary, seed: UInt64) -> EvalSet {
        var config = vocabulary.config.gsm
        precondition(config.allowsChains(k: k), "chains of k = \(k) do not fit the GSM config")
        config.minSteps = min(config.minSteps, k)
        config.maxSteps = max(config.maxSteps, k)
        let gsm = try! GSMGenerator(config: config)  // the world's config, with k in range
        var r = SplitMix64(derivedFrom: seed, 0xC07, UInt64(k))
        let items = (0..<count).map { _ in gsmItem(gsm.problem(k: k, split: .heldOut, using: &r), vocabulary: vocabulary) }
        return EvalSet(name: "gsm-k\(k)-cot", task: .gsm, difficulty: k, items: items)
    }

    public static func gsmItem(_ p: GSMProblem, vocabulary v: Vocabulary) -> EvalItem {
        EvalItem(task: .gsm, difficulty: p.k, prompt: encode(p.promptWords, v),
                 answer: [p.answer] + (v.config.eval.answerIncludesNewline ? [v.newline] : []),
                 validAnswerTokens: v.mathAnswerIDs, solution: encode(p.solutionWords, v),
                 intermediates: p.values[1..<p.k].map(String.init))
    }

    public static func csqaItem(_ q: CSQAQuestion, vocabulary v: Vocabulary) -> EvalItem {
        EvalItem(task: .csqa, difficulty: q.level, prompt: encode(q.promptWords, v),
                 answer: [v.letterIDs[q.answerIndex]] + (v.config.eval.answerIncludesNewline ? [v.newline] : []),
                 validAnswerTokens: v.choiceAnswerIDs, solution: encode(q.solutionWords, v),
                 intermediates: Array(q.chain.dropFirst()))
    }

    static func encode(_ words: [String], _ v: Vocabulary) -> [Int] { words.map { try! v.id(of: $0) } }
}
