import XCTest
@testable import SyntheticData

/// `kb.bridges` = context: only category -> property facts are fixed; each multi-hop question
/// states its own `is` links (fresh names, a distractor link, shuffled). The answers are checked
/// by a solver that reads the question TEXT and the world's fact sentences.
final class ContextBridgeTests: XCTestCase {
    func config(hops: Int = 3) -> DataConfig {
        var c = DataConfig()
        c.kb.hops = hops
        c.kb.bridges = .context
        let kbOnly = CorpusMixture(kbFact: 0.2, kbOneHop: 0.2, kbWorked: 0.3, kbDirect: 0.3)
        c.corpus.base = kbOnly; c.corpus.reasoning = kbOnly; c.corpus.generic = kbOnly
        c.corpus.warmup = CorpusMixture(kbFact: 1)
        return c
    }

    /// Parses `Q: [a is b .]* question ?\n(A) v ...\nA: ...` and answers from the links and the
    /// world's property facts (`fish live in water .`). Returns (answer letter, chain, category
    /// of the other link's subject) or nil when the text does not parse.
    func solve(_ text: String, facts: [[String]]) -> (letter: String, chain: [String], decoy: String?)? {
        let lines = text.split(separator: "\n").map(String.init)
        guard let q = lines.first, q.hasPrefix("Q: ") else { return nil }
        var words = q.split(separator: " ").map(String.init).dropFirst().map { $0 }
        var links: [String: String] = [:]
        while words.count >= 4 && words[1] == "is" && words[3] == "." {
            if links[words[0]] != nil { return nil }
            links[words[0]] = words[2]
            words.removeFirst(4)
        }
        // where does S live ? / what does S eat ? / what color is S ?
        let subject: String, relation: String
        if words.first == "where" { subject = words[2]; relation = "live" }
        else if words.count > 2 && words[1] == "color" { subject = words[3]; relation = "are" }
        else { subject = words[2]; relation = "eat" }
        var chain = [subject]
        while let p = links[chain.last!] { chain.append(p); if chain.count > 10 { return nil } }
        let value = facts.first { f in f[0] == chain.last! && f[1] == relation }.map { f in f[f.count - 2] }
        let options = lines.filter { $0.hasPrefix("(") }.map { String($0.split(separator: " ", maxSplits: 1)[1]) }
        guard let value, let i = options.firstIndex(of: value) else { return nil }
        let others = links.keys.filter { !chain.contains($0) }
        let decoy = others.count == 1 ? links[others[0]] : nil
        return (choiceLetters[i], chain, decoy)
    }

    func testConfigDecodingAndEncoding() throws {
        XCTAssertFalse(String(decoding: try JSONEncoder().encode(KBConfig()), as: UTF8.self).contains("bridges"))
        var kb = KBConfig(); kb.bridges = .context
        let text = String(decoding: try JSONEncoder().encode(kb), as: UTF8.self)
        XCTAssertTrue(text.contains("\"bridges\":\"context\""), text)
        XCTAssertEqual(try JSONDecoder().decode(KBConfig.self, from: Data(text.utf8)), kb)
        XCTAssertThrowsError(try JSONDecoder().decode(KBConfig.self, from: Data(#"{"bridges": "ctx"}"#.utf8))) { e in
            XCTAssertEqual(e as? DataConfigError,
                           DataConfigError(field: "kb.bridges", value: "'ctx'", allowed: "weights, context"))
        }
        var c = config(); c.corpus.reasoning.kbIsA = 0.1
        XCTAssertThrowsError(try c.validate()) { XCTAssertEqual(($0 as? DataConfigError)?.field, "corpus.reasoning.kbIsA") }
        c = config(); c.kb.heldOutGroupFraction = 0.25
        XCTAssertThrowsError(try c.validate()) { XCTAssertEqual(($0 as? DataConfigError)?.field, "kb.heldOutGroupFraction") }
        XCTAssertNoThrow(try config().validate())
    }

    func testWorldHasOnlyCategoryFactsAndTheWeightsWorldsProperties() throws {
        let v = try Vocabulary(config: config())
        let kb = v.knowledgeBase
        var weights = config(); weights.kb.bridges = .weights
        let w = try Vocabulary(config: weights).knowledgeBase
        XCTAssertEqual(kb.property, w.property)
        XCTAssertEqual(kb.entities, w.entities)
        XCTAssertTrue(kb.parent.isEmpty)
        XCTAssertTrue(kb.heldOutEntities.isEmpty && kb.fineTuneEntities.isEmpty && kb.trainEntities.isEmpty)
        XCTAssertEqual(kb.factSentences.count, kb.config.categories.count * 3)
        XCTAssertTrue(kb.factSentences.allSatisfy { kb.config.categories.contains($0[0]) })
        XCTAssertEqual(kb.contextNames.count, 48 + 20)
    }

    /// Every level: the text solver's answer is the gold letter, the worked steps spell the
    /// chain the context links, the distractor link names a category whose value is a wrong
    /// choice, and the links come in more than one order.
    func testQuestionsAreSolvableFromTheirTextAlone() throws {
        for hops in [2, 3] {
            let v = try Vocabulary(config: config(hops: hops))
            let csqa = CSQAGenerator(knowledgeBase: v.knowledgeBase)
            var rng = SplitMix64(seed: 9)
            var firstLinkIsSubjects = 0, n = 0
            for level in 2...hops {
                for i in 0..<300 {
                    let split: Split = i % 2 == 0 ? .train : .heldOut
                    let q = csqa.question(level: level, split: split, format: .worked, using: &rng)
                    let text = Vocabulary.render(q.words(.worked))
                    guard let s = solve(text, facts: v.knowledgeBase.factSentences) else {
                        return XCTFail("unparsed: \(text)")
                    }
                    XCTAssertEqual(s.letter, q.answerLetter, text)
                    XCTAssertEqual(s.chain, q.chain, text)
                    XCTAssertEqual(s.chain.count, level, text)
                    XCTAssertEqual(Set(s.chain.dropLast()).count, level - 1, text)
                    let decoy = try XCTUnwrap(s.decoy, text)
                    XCTAssertNotEqual(decoy, q.chain.last!, text)
                    let decoyValue = v.knowledgeBase.property[decoy]![q.relation]!
                    XCTAssertTrue(q.options.contains(decoyValue) && decoyValue != q.answerValue, text)
                    XCTAssertTrue(text.contains("A: " + Vocabulary.render(q.solutionWords) + " " + q.answerLetter), text)
                    XCTAssertEqual(csqa.isTrainText(q), split == .train)
                    if q.context.first == q.subject { firstLinkIsSubjects += 1 }
                    n += 1
                }
            }
            XCTAssertGreaterThan(firstLinkIsSubjects, n / 10)
            XCTAssertLessThan(firstLinkIsSubjects, n * 9 / 10)
        }
    }

    /// No evaluation prompt is in any corpus; the sets are hop1 ... hops (no `-train` set).
    func testEvaluationPromptsNeverAppearInTrainingRows() throws {
        var c = config()
        c.eval.itemsPerSet = 500
        let v = try Vocabulary(config: c)
        let sets = EvalSuite.standard(vocabulary: v, seed: 12).filter { $0.task == .csqa }
        XCTAssertEqual(sets.map(\.name), ["csqa-hop1", "csqa-hop2", "csqa-hop3"])
        let evalPrompts = Set(sets.flatMap { $0.items.map(\.prompt) })
        var trainPrompts = Set<[Int]>()
        for kind in CorpusKind.allCases {
            let corpus = try Corpus(kind: kind, vocabulary: v, seed: 5)
            for b in 0..<40 {
                for row in corpus.batch(index: b, size: 64, length: 64) where row.first == v.question {
                    if let a = row.firstIndex(of: v.answer) { trainPrompts.insert(Array(row[...a])) }
                }
            }
        }
        XCTAssertGreaterThan(trainPrompts.count, 3000)
        XCTAssertGreaterThan(evalPrompts.count, 1000)
        // Level-1 questions are few distinct texts: the held-out bucket keeps them apart too.
        XCTAssertTrue(evalPrompts.isDisjoint(with: trainPrompts), "\(evalPrompts.intersection(trainPrompts).count) shared")
        // Level-3 worked documents fit a 64-token row.
        let corpus = try Corpus(kind: .base, vocabulary: v, seed: 5)
        var rng = SplitMix64(seed: 1)
        for _ in 0..<200 { XCTAssertLessThanOrEqual(corpus.ids(CSQAGenerator(knowledgeBase: v.knowledgeBase)
            .question(level: 3, split: .train, format: .worked, using: &rng).words(.worked)).count, 64) }
    }
}
