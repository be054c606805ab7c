import XCTest
@testable import SyntheticData

/// Answers are spread as expected: a generator that always puts the gold answer under one letter,
/// or always produces the same value, fails these bounds by a wide margin.
final class DistributionTests: XCTestCase {
    /// Pearson chi-square of observed counts against expected probabilities.
    func chiSquare(_ counts: [String: Int], _ expected: [String: Double]) -> Double {
        let n = Double(counts.values.reduce(0, +))
        return expected.reduce(0) { acc, kv in
            let e = n * kv.value
            let o = Double(counts[kv.key] ?? 0)
            return acc + (o - e) * (o - e) / e
        }
    }

    func testChoiceLettersUniformInEvalAndCorpus() throws {
        var c = bothWorldsConfig(); c.eval.itemsPerSet = 1000
        let v = try Vocabulary(config: c)
        var counts: [String: Int] = [:]
        for set in EvalSuite.standard(vocabulary: v, seed: 3) where set.task == .csqa {
            for item in set.items { counts[v.word(of: item.answer[0]), default: 0] += 1 }
        }
        let uniform = Dictionary(uniqueKeysWithValues: choiceLetters.map { ($0, 0.2) })
        // df = 4: the 0.999 quantile is 18.5.
        XCTAssertLessThan(chiSquare(counts, uniform), 25, "\(counts)")
        // Letters of corpus questions, read from the text.
        var corpusCounts: [String: Int] = [:]
        let corpus = try Corpus(kind: .base, vocabulary: v, seed: 1)
        for b in 0..<60 {
            for row in corpus.batch(index: b, size: 64, length: 96) where row.first == v.question && row.contains(v.letterIDs[0]) {
                let text = v.decode(row.filter { $0 != v.pad })
                let last = text.split(separator: "\n").last!.split(separator: " ").last!
                if choiceLetters.contains(String(last)) { corpusCounts[String(last), default: 0] += 1 }
            }
        }
        XCTAssertGreaterThan(corpusCounts.values.reduce(0, +), 800)
        XCTAssertLessThan(chiSquare(corpusCounts, uniform), 25, "\(corpusCounts)")
    }

    /// Held-out entity questions: each value occurs about as often as the world predicts
    /// (held-out entities uniform, relations uniform).
    func testCSQAAnswerValuesFollowTheWorld() throws {
        var c = DataConfig(); c.eval.itemsPerSet = 3000
        let v = try Vocabulary(config: c)
        let kb = v.knowledgeBase
        let set = EvalSuite.standard(vocabulary: v, seed: 4).first { $0.name == "csqa-hop2" }!
        var expected: [String: Double] = [:]
        let share = 1.0 / Double(kb.heldOutEntities.count * Relation.allCases.count)
        for e in kb.heldOutEntities { for r in Relation.allCases { expected[kb.answer(subject: e, relation: r), default: 0] += share } }
        var counts: [String: Int] = [:]
        for item in set.items {
            let text = v.decode(item.prompt + item.answer)
            let lines = text.split(separator: "\n")
            let letter = String(lines.last!.split(separator: " ").last!)
            let value = lines.first { $0.hasPrefix("(\(letter))") }!.split(separator: " ").last!
            counts[String(value), default: 0] += 1
        }
        XCTAssertGreaterThan(expected.count, 5)
        XCTAssertEqual(Set(counts.keys), Set(expected.keys))
        // df = expected.count - 1 (up to 23): the 0.999 quantile is below 50.
        XCTAssertLessThan(chiSquare(counts, expected), 60, "\(counts)")
    }

    /// GSM answers: with v_0 uniform and +, -, * by units mod a prime, v_k is uniform; the
    /// held-out split removes only a hash-chosen 10%, so every value stays within 0.6x ... 1.4x.
    func testGSMAnswersCoverAllValues() throws {
        let c = DataConfig()
        let v = try Vocabulary(config: c)
        let corpus = try Corpus(kind: .reasoning, vocabulary: v, seed: 6)
        var counts = [Int](repeating: 0, count: c.gsm.modulus)
        var n = 0
        for b in 0..<80 {
            for row in corpus.batch(index: b, size: 64, length: 64) where row.first == v.question {
                let text = v.decode(row.filter { $0 != v.pad })
                let r = try XCTUnwrap(TextSolver.solveGSM(text, modulus: c.gsm.modulus))
                counts[r.stated!] += 1; n += 1
            }
        }
        XCTAssertGreaterThan(n, 3000)
        let mean = Double(n) / Double(c.gsm.modulus)
        for (value, k) in counts.enumerated() {
            XCTAssertTrue(Double(k) > 0.6 * mean && Double(k) < 1.4 * mean, "value \(value): \(k) of \(n)")
        }
        // Evaluation answers at k = 3 (a large held-out space) cover every value too.
        var ce = c; ce.eval.itemsPerSet = 1100
        let set = EvalSuite.standard(vocabulary: try Vocabulary(config: ce), seed: 2).first { $0.name == "gsm-k3" }!
        var evalCounts = [Int](repeating: 0, count: c.gsm.modulus)
        for item in set.items { evalCounts[item.answer[0]] += 1 }
        XCTAssertTrue(evalCounts.allSatisfy { $0 > 40 && $0 < 160 }, "\(evalCounts)")
    }
}
