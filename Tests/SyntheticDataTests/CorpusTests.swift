import XCTest
@testable import SyntheticData

final class CorpusTests: XCTestCase {
    func testUnpackedRowsHoldOneDocumentThenPadding() throws {
        let corpus = try Corpus(kind: .base, config: DataConfig(), seed: 1)
        let v = corpus.vocabulary
        for row in corpus.batch(index: 0, size: 64, length: 64) {
            XCTAssertEqual(row.count, 64)
            XCTAssertFalse(row.contains(v.separator))
            let content = row.prefix { $0 != v.pad }
            XCTAssertTrue(row[content.count...].allSatisfy { $0 == v.pad }, "padding only at the end")
            XCTAssertEqual(content.last, v.newline, "k <= 3 documents fit in 64 tokens")
            XCTAssertEqual(content.filter { $0 == v.newline }.count, content.first == v.question ? 2 : 1)
            let t = corpus.targets(row)
            XCTAssertEqual(t.count, row.count)
            for i in 0..<(row.count - 1) {
                XCTAssertEqual(t[i], row[i + 1] == v.pad ? Corpus.ignoreIndex : row[i + 1])
            }
            XCTAssertEqual(t.last, Corpus.ignoreIndex)
        }
    }

    func testPackedRowsJoinDocumentsWithSeparator() throws {
        var c = DataConfig(); c.corpus.packing = .packed
        let corpus = try Corpus(kind: .base, config: c, seed: 1)
        let v = corpus.vocabulary
        for row in corpus.batch(index: 3, size: 16, length: 128) {
            XCTAssertEqual(row.count, 128)
            XCTAssertFalse(row.contains(v.pad))
            XCTAssertGreaterThan(row.filter { $0 == v.separator }.count, 2)
            for i in row.indices.dropFirst() where row[i] == v.separator {
                XCTAssertEqual(row[i - 1], v.newline, "a separator follows a complete document")
            }
        }
    }

    /// A packing given to the corpus overrides the configuration's: the rows are those of a
    /// configuration that packs, and `nil` keeps the configuration's own.
    func testPackingOverrideMatchesAPackedConfiguration() throws {
        var packed = DataConfig(); packed.corpus.packing = .packed
        let expected = try Corpus(kind: .reasoning, config: packed, seed: 5).batch(index: 2, size: 8, length: 64)
        let v = try Vocabulary(config: DataConfig())
        let overridden = try Corpus(kind: .reasoning, vocabulary: v, seed: 5, packing: .packed)
        XCTAssertEqual(overridden.packing, .packed)
        XCTAssertEqual(overridden.batch(index: 2, size: 8, length: 64), expected)
        let own = try Corpus(kind: .reasoning, vocabulary: v, seed: 5, packing: nil)
        XCTAssertEqual(own.packing, .unpacked)
        XCTAssertEqual(own.batch(index: 2, size: 8, length: 64),
                       try Corpus(kind: .reasoning, config: DataConfig(), seed: 5).batch(index: 2, size: 8, length: 64))
    }

    /// Document kinds, read from the text: share of direct answers to multi-step problems
    /// (reasoning corpus >= 40%), few questions in the generic corpus, only facts in warm-up.
    func testMixturesShowInTheText() throws {
        func shares(_ kind: CorpusKind) throws -> (directMulti: Double, questions: Double, facts: Double) {
            let corpus = try Corpus(kind: kind, config: DataConfig(), seed: 2)
            let v = corpus.vocabulary
            var directMulti = 0, questions = 0, facts = 0, n = 0
            for b in 0..<30 {
                for row in corpus.batch(index: b, size: 64, length: 64) {
                    let text = v.decode(row.filter { $0 != v.pad })
                    n += 1
                    if text.hasPrefix("Q:") {
                        questions += 1
                        let r = try XCTUnwrap(TextSolver.solveGSM(text, modulus: 11))
                        if !text.contains("steps:") && r.relationSentences >= 2 { directMulti += 1 }
                    } else if text.contains("=") { facts += 1 }
                }
            }
            return (Double(directMulti) / Double(n), Double(questions) / Double(n), Double(facts) / Double(n))
        }
        let reasoning = try shares(.reasoning)
        XCTAssertGreaterThan(reasoning.directMulti, 0.36, "reasoning-dense corpus")
        let base = try shares(.base)
        XCTAssertEqual(base.questions, 0.7, accuracy: 0.05)
        XCTAssertEqual(base.facts, 0.3, accuracy: 0.05)
        let generic = try shares(.generic)
        XCTAssertLessThan(generic.questions, 0.15)
        XCTAssertEqual(try shares(.warmup).facts, 1.0)
    }

    func testEvalItemsAreWellFormed() throws {
        var c = DataConfig(); c.kb.hops = 3; c.eval.answerIncludesNewline = true
        let v = try Vocabulary(config: c)
        let sets = EvalSuite.standard(vocabulary: v, seed: 1)
        XCTAssertEqual(sets.map(\.name), ["gsm-k1", "gsm-k2", "gsm-k3", "csqa-hop1", "csqa-hop2",
                                          "csqa-hop3", "csqa-hop3-train"])
        for set in sets {
            XCTAssertEqual(set.items.count, 500)
            for item in set.items {
                XCTAssertEqual(item.difficulty, set.difficulty)
                XCTAssertEqual(item.prompt.first, v.question)
                XCTAssertEqual(item.prompt.last, v.answer)
                XCTAssertEqual(item.prompt.filter { $0 == v.answer }.count, 1)
                XCTAssertEqual(item.answer.count, 2)
                XCTAssertEqual(item.answer.last, v.newline)
                XCTAssertTrue(item.validAnswerTokens.contains(item.answer[0]))
                XCTAssertEqual(item.validAnswerTokens, set.task == .gsm ? v.mathAnswerIDs : v.choiceAnswerIDs)
                XCTAssertEqual(item.solution.first, v.steps)
                XCTAssertEqual(item.intermediates.count, set.difficulty - 1)
                XCTAssertFalse(item.prompt.contains(v.thoughtStart) || item.prompt.contains(v.thoughtEnd))
            }
        }
        let train = Set(v.knowledgeBase.trainEntities.map { try! v.id(of: $0) })
        let held = Set(v.knowledgeBase.heldOutEntities.map { try! v.id(of: $0) })
        for item in sets[5].items { XCTAssertTrue(item.prompt.contains(where: held.contains)) }
        for item in sets[6].items { XCTAssertTrue(item.prompt.contains(where: train.contains)) }
    }
}
