import XCTest
@testable import SyntheticData

final class TokenizerTests: XCTestCase {
    func testRoundTripOfGeneratedText() throws {
        for hops in [2, 3] {
            let c = bothWorldsConfig(hops: hops)
            let v = try Vocabulary(config: c)
            let corpus = try Corpus(kind: .base, vocabulary: v, seed: 1)
            var rng = SplitMix64(seed: 2)
            for _ in 0..<500 {
                let words = corpus.document(using: &rng)
                let text = Vocabulary.render(words)
                let ids = try v.encode(text)
                XCTAssertEqual(ids, try v.encode(words: words))
                XCTAssertEqual(v.decode(ids), text)
            }
        }
    }

    func testPromptFormatMatchesThePaper() throws {
        let v = try Vocabulary(config: DataConfig())
        let gen = CSQAGenerator(knowledgeBase: v.knowledgeBase)
        var rng = SplitMix64(seed: 4)
        let q = gen.question(level: 2, split: .train, using: &rng)
        let text = v.decode(try v.encode(words: q.words(.direct)))
        let lines = text.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 7)
        XCTAssertEqual(lines[1], "(A) " + q.options[0])
        XCTAssertEqual(lines[5], "(E) " + q.options[4])
        XCTAssertEqual(lines[6], "A: " + q.answerLetter)
        XCTAssertTrue(text.hasSuffix("\n"))
    }

    func testEveryIdSequenceRoundTrips() throws {
        let v = try Vocabulary(config: DataConfig())
        var rng = SplitMix64(seed: 8)
        for _ in 0..<300 {
            let ids = (0..<rng.int(in: 0...40)).map { _ in rng.below(v.count) }
            XCTAssertEqual(try v.encode(v.decode(ids)), ids)
        }
    }

    func testUnknownWordIsNamed() throws {
        let v = try Vocabulary(config: DataConfig())
        XCTAssertThrowsError(try v.encode("Q: ann has 5 bananas .")) { e in
            XCTAssertEqual((e as? UnknownWordError)?.word, "bananas")
            XCTAssertTrue("\(e)".contains("bananas"))
        }
        XCTAssertThrowsError(try v.encode("11 + 1 = 1"))  // 11 is not a number token when p = 11
    }

    func testLayoutAndSpecialIds() throws {
        let v = try Vocabulary(config: DataConfig())
        XCTAssertLessThanOrEqual(v.count, 256)
        var c3 = DataConfig(); c3.kb.hops = 3
        XCTAssertLessThanOrEqual(try Vocabulary(config: c3).count, 256)
        XCTAssertEqual(v.numberIDs, Array(0..<11))
        for n in 0..<11 { XCTAssertEqual(try v.id(of: String(n)), n) }
        XCTAssertEqual(v.letterIDs.map(v.word(of:)), ["A", "B", "C", "D", "E"])
        XCTAssertEqual(v.word(of: v.newline), "\n")
        XCTAssertEqual(v.word(of: v.thoughtStart), "<start>")
        XCTAssertEqual(v.word(of: v.thoughtEnd), "<end>")
        XCTAssertEqual(v.word(of: v.answer), "A:")
        XCTAssertEqual(v.word(of: v.steps), "steps:")
        let special = [v.pad, v.separator, v.thoughtStart, v.thoughtEnd, v.newline, v.question, v.answer, v.steps]
        XCTAssertEqual(Set(special).count, special.count)
        XCTAssertEqual(Set(v.words).count, v.count, "no word twice")
        XCTAssertEqual(v.mathAnswerIDs, Array(0..<11) + [v.newline])
        XCTAssertEqual(v.choiceAnswerIDs, v.letterIDs + [v.newline])
        // Entities and groups are nonce words distinct from everything else.
        XCTAssertTrue(Set(v.knowledgeBase.entities).isDisjoint(with: DataConfig().nonNonceWords))
    }
}
