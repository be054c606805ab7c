import XCTest
@testable import SyntheticData

/// Every generated answer is re-derived from the text by an independent solver.
final class SolverTests: XCTestCase {
    func checkGSM(_ config: DataConfig, count: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        let v = try Vocabulary(config: config)
        let gen = try GSMGenerator(config: config.gsm)
        var rng = SplitMix64(seed: 11)
        for i in 0..<count {
            let p = gen.problem(split: i % 2 == 0 ? .train : .heldOut, using: &rng)
            for format in [GSMFormat.worked, .direct] {
                let text = v.decode(try v.encode(words: p.words(format)))
                guard let r = TextSolver.solveGSM(text, modulus: config.gsm.modulus) else {
                    return XCTFail("unparsable: \(text)", file: file, line: line)
                }
                XCTAssertEqual(r.solved, r.stated, text, file: file, line: line)
                XCTAssertEqual(r.solved, p.answer, text, file: file, line: line)
                XCTAssertTrue(r.stepsAgree, text, file: file, line: line)
            }
        }
    }

    func testGSMDefaultRecipe() throws { try checkGSM(DataConfig(), count: 2000) }

    func testGSMWithDistractorsShuffleObjectsAndLargerModulus() throws {
        var c = DataConfig()
        c.gsm.modulus = 23
        c.gsm.maxSteps = 5
        c.gsm.maxOperand = 22
        c.gsm.minDistractors = 1
        c.gsm.maxDistractors = 3
        c.gsm.shuffleSentences = true
        c.gsm.objects = ["apples", "coins"]
        try checkGSM(c, count: 2000)
    }

    func testGSMHalfShuffled() throws {
        var c = DataConfig()
        c.gsm.shuffleFraction = 0.5
        try checkGSM(c, count: 1000)
    }

    func testGSMWorkedSolutionListsEveryIntermediateValue() throws {
        let v = try Vocabulary(config: DataConfig())
        let gen = try GSMGenerator(config: DataConfig().gsm)
        var rng = SplitMix64(seed: 3)
        for _ in 0..<200 {
            let p = gen.problem(split: .train, using: &rng)
            let text = v.decode(try v.encode(words: p.words(.worked)))
            let steps = text.components(separatedBy: "steps: ")[1]
            XCTAssertEqual(steps.components(separatedBy: " = ").count - 1, p.k, text)
        }
    }

    /// Reads the knowledge base back from corpus fact documents (text), then answers every
    /// evaluation and training question by walking those facts.
    func checkKB(hops: Int) throws {
        var c = bothWorldsConfig(hops: hops)
        c.eval.itemsPerSet = 300
        let v = try Vocabulary(config: c)
        let facts = try Corpus(kind: .warmup, vocabulary: v, seed: 5)
        var kb = TextSolver.KBReading()
        for b in 0..<40 {
            for row in facts.batch(index: b, size: 64, length: 32) {
                let text = v.decode(row.filter { $0 != v.pad })
                if !text.hasPrefix("Q:") { kb.read(fact: text.trimmingCharacters(in: .newlines)) }
            }
        }
        XCTAssertEqual(kb.parent.count, c.kb.entityCount + (hops == 3 ? c.kb.groupCount : 0),
                       "every is-fact seen in the fact corpus")
        var checked = 0
        for set in EvalSuite.standard(vocabulary: v, seed: 9) where set.task == .csqa {
            for item in set.items {
                let text = v.decode(item.prompt + item.answer)
                guard let a = kb.solve(question: text) else { return XCTFail("unsolvable: \(text)") }
                XCTAssertEqual(a.computed, a.stated, text)
                XCTAssertEqual(a.path.count, set.difficulty, text)
                checked += 1
            }
        }
        let gen = CSQAGenerator(knowledgeBase: v.knowledgeBase)
        var rng = SplitMix64(seed: 1)
        for _ in 0..<500 {
            let q = gen.question(level: rng.int(in: 1...hops), split: .train, using: &rng)
            let text = v.decode(try v.encode(words: q.words(.worked)))
            let a = try XCTUnwrap(kb.solve(question: text), text)
            XCTAssertEqual(a.computed, a.stated, text)
            XCTAssertTrue(text.contains(q.solutionWords.dropFirst().joined(separator: " ")))
            checked += 1
        }
        XCTAssertEqual(checked, 300 * (hops + 1) + 500)
    }

    func testKBTwoHops() throws { try checkKB(hops: 2) }
    func testKBThreeHops() throws { try checkKB(hops: 3) }
}
