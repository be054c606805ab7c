import XCTest
@testable import SyntheticData

/// `kb.bridges` = context: only category -> property facts are fixed; each multi-hop question
/// states its own `is` links (fresh names, a distractor link, shuffled). The answers are checked
/// by `TextSolver.KBReading`, which reads the question TEXT and the world's fact sentences;
/// LeakageTests checks that no evaluation prompt is training text.
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
        XCTAssertNoThrow(try c.validate())
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
            var facts = TextSolver.KBReading()
            for f in v.knowledgeBase.factSentences { facts.read(fact: f.joined(separator: " ")) }
            var firstLinkIsSubjects = 0, n = 0
            for level in 2...hops {
                for i in 0..<300 {
                    let split: Split = i % 2 == 0 ? .train : .heldOut
                    let q = csqa.question(level: level, split: split, format: .worked, using: &rng)
                    let text = Vocabulary.render(q.words(.worked))
                    guard let s = facts.solve(question: text) else { return XCTFail("unsolved: \(text)") }
                    XCTAssertEqual(s.computed, q.answerLetter, text)
                    XCTAssertEqual(s.stated, q.answerLetter, text)
                    XCTAssertEqual(s.path, q.chain, text)
                    XCTAssertEqual(s.path.count, level, text)
                    XCTAssertEqual(Set(s.path.dropLast()).count, level - 1, text)
                    let unused = s.links.keys.filter { !s.path.contains($0) }
                    XCTAssertEqual(unused.count, 1, text)
                    let decoy = try XCTUnwrap(unused.first.flatMap { s.links[$0] }, text)
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

    /// Membership questions of the context world (`kbIsA`): the answer is the target of the
    /// subject's own link in the question text, the other links' targets (but the subject) are among
    /// the choices, names and categories are both asked for, and a document fits a 64-token row.
    func testMembershipQuestionsAskForALinkInTheQuestion() throws {
        var c = config(); c.corpus.base = CorpusMixture(kbIsA: 1)
        let v = try Vocabulary(config: c)
        let csqa = CSQAGenerator(knowledgeBase: v.knowledgeBase)
        let corpus = try Corpus(kind: .base, vocabulary: v, seed: 5)
        var rng = SplitMix64(seed: 4)
        var levels: [Int: Int] = [:], askedPositions = Set<Int>(), answerIsCategory = 0
        for _ in 0..<400 {
            let q = csqa.isaQuestion(using: &rng)
            let text = Vocabulary.render(q.words(.worked))
            var links: [String: String] = [:]
            var w = q.context
            XCTAssertEqual(w.count % 4, 0, text)
            while w.count >= 4 {
                XCTAssertEqual(w[1], "is", text); XCTAssertEqual(w[3], ".", text)
                XCTAssertNil(links[w[0]], text)
                links[w[0]] = w[2]
                w.removeFirst(4)
            }
            levels[links.count, default: 0] += 1
            XCTAssertEqual(links[q.subject], q.answer, text)
            XCTAssertEqual(q.options.count, c.kb.choiceCount, text)
            XCTAssertEqual(Set(q.options).count, q.options.count, text)
            XCTAssertFalse(q.options.contains(q.subject), text)
            for target in links.values where target != q.subject { XCTAssertTrue(q.options.contains(target), text) }
            XCTAssertTrue(text.hasPrefix("Q: " + Vocabulary.render(q.context) + " what is \(q.subject) ?"), text)
            XCTAssertTrue(text.hasSuffix("A: steps: \(q.subject) is \(q.answer) . \(choiceLetters[q.answerIndex])\n"), text)
            XCTAssertTrue(Vocabulary.render(q.words(.direct)).hasSuffix("A: \(choiceLetters[q.answerIndex])\n"), text)
            XCTAssertLessThanOrEqual(corpus.ids(q.words(.worked)).count, 64, text)
            if let i = stride(from: 0, to: q.context.count, by: 4).first(where: { q.context[$0] == q.subject }) {
                askedPositions.insert(i / 4)
            }
            if c.kb.categories.contains(q.answer) { answerIsCategory += 1 }
        }
        XCTAssertEqual(Set(levels.keys), [2, 3], "level 2 (two links) and level 3 (three links) both occur")
        XCTAssertGreaterThan(askedPositions.count, 1, "the asked link is not always in the same place")
        XCTAssertGreaterThan(answerIsCategory, 100)
        XCTAssertLessThan(answerIsCategory, 380, "names are asked for too")
    }

    /// The sets are hop1 ... hops (no `-train` set); level-3 worked documents fit a 64-token row.
    func testEvaluationSetsAndRowFit() throws {
        let v = try Vocabulary(config: config())
        let sets = EvalSuite.standard(vocabulary: v, seed: 12).filter { $0.task == .csqa }
        XCTAssertEqual(sets.map(\.name), ["csqa-hop1", "csqa-hop2", "csqa-hop3"])
        // Level-3 worked documents fit a 64-token row.
        let corpus = try Corpus(kind: .base, vocabulary: v, seed: 5)
        var rng = SplitMix64(seed: 1)
        for _ in 0..<200 { XCTAssertLessThanOrEqual(corpus.ids(CSQAGenerator(knowledgeBase: v.knowledgeBase)
            .question(level: 3, split: .train, format: .worked, using: &rng).words(.worked)).count, 64) }
    }
}
