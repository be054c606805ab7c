import XCTest
@testable import SyntheticData

/// Membership questions (`kbIsA`): the answer is the subject's parent, the choices are nodes of the
/// parent's level, held-out entities are asked about, and the knob leaves other configs unchanged.
final class IsAQuestionTests: XCTestCase {
    func testAnswerIsTheParentAmongNodesOfItsLevel() throws {
        for hops in [2, 3] {
            var c = DataConfig(); c.kb.hops = hops
            let v = try Vocabulary(config: c)
            let kb = v.knowledgeBase
            let gen = CSQAGenerator(knowledgeBase: kb)
            var rng = SplitMix64(seed: 5)
            var subjects: Set<String> = []
            for _ in 0..<2000 {
                let q = gen.isaQuestion(using: &rng)
                subjects.insert(q.subject)
                let gold = kb.parent[q.subject]!
                XCTAssertEqual(q.options[q.answerIndex], gold)
                XCTAssertEqual(q.options.count, c.kb.choiceCount)
                XCTAssertEqual(Set(q.options).count, q.options.count, "distinct choices")
                let level = Set(kb.subjects(level: kb.level(of: gold)))
                XCTAssertTrue(q.options.allSatisfy(level.contains), "choices from the parent's level")
                let direct = q.words(.direct), worked = q.words(.worked)
                XCTAssertEqual(Array(direct.prefix(6)), ["Q:", "what", "is", q.subject, "?", "\n"])
                XCTAssertEqual(Array(direct.suffix(3)), ["A:", choiceLetters[q.answerIndex], "\n"])
                XCTAssertEqual(Array(worked.suffix(7)), ["steps:", q.subject, "is", gold, ".", choiceLetters[q.answerIndex], "\n"])
                XCTAssertNoThrow(try v.encode(words: worked))
            }
            XCTAssertEqual(subjects, Set(kb.entities + kb.groups), "every entity and group is asked about")
            XCTAssertTrue(kb.heldOutEntities.allSatisfy(subjects.contains))
        }
    }

    func testMixtureWeightDrawsIsAQuestionsOnly() throws {
        var c = DataConfig()
        c.corpus.base = CorpusMixture(kbIsA: 1)
        let corpus = try Corpus(kind: .base, config: c, seed: 2)
        let v = corpus.vocabulary
        let what = try v.id(of: "what"), isID = try v.id(of: "is")
        for row in corpus.batch(index: 0, size: 32, length: 64) {
            XCTAssertEqual(Array(row.prefix(3)), [v.question, what, isID])
        }
    }

    func testCoversNamesTheWorldsOfAMixture() {
        XCTAssertTrue(CorpusMixture.mathRecipe.covers(.gsm))
        XCTAssertFalse(CorpusMixture.mathRecipe.covers(.csqa))
        XCTAssertTrue(CorpusMixture(kbIsA: 0.1).covers(.csqa))
        XCTAssertFalse(CorpusMixture(kbIsA: 0.1).covers(.gsm))
        XCTAssertTrue(CorpusMixture.bothRecipe.covers(.gsm) && CorpusMixture.bothRecipe.covers(.csqa))
    }

    func testUnusedWeightIsNotEncoded() throws {
        let data = try JSONEncoder().encode(CorpusMixture.mathRecipe)
        XCTAssertFalse(String(decoding: data, as: UTF8.self).contains("kbIsA"))
        let used = try JSONEncoder().encode(CorpusMixture(kbIsA: 0.5))
        let back = try JSONDecoder().decode(CorpusMixture.self, from: used)
        XCTAssertEqual(back, CorpusMixture(kbIsA: 0.5))
    }
}
