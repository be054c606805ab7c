import XCTest
@testable import SyntheticData

final class DeterminismTests: XCTestCase {
    func bytes(_ rows: [[Int]]) -> [UInt8] { rows.flatMap { $0.flatMap { withUnsafeBytes(of: Int32($0).littleEndian, Array.init) } } }

    func testSameSeedSameBytesDifferentSeedDifferent() throws {
        for packing in Packing.allCases {
            let c = bothWorldsConfig(packing: packing)
            let a = try Corpus(kind: .base, config: c, seed: 42)
            let b = try Corpus(kind: .base, config: c, seed: 42)
            let d = try Corpus(kind: .base, config: c, seed: 43)
            XCTAssertEqual(bytes(a.batch(index: 7, size: 16, length: 64)), bytes(b.batch(index: 7, size: 16, length: 64)))
            XCTAssertNotEqual(a.batch(index: 7, size: 16, length: 64), d.batch(index: 7, size: 16, length: 64))
            XCTAssertNotEqual(a.batch(index: 7, size: 16, length: 64), a.batch(index: 8, size: 16, length: 64))
            let r = try Corpus(kind: .reasoning, config: c, seed: 42)
            XCTAssertNotEqual(a.batch(index: 7, size: 16, length: 64), r.batch(index: 7, size: 16, length: 64))
        }
    }

    /// A batch is a pure function of (seed, index): it does not depend on what was drawn before,
    /// and its rows do not depend on the batch size.
    func testBatchIsPureFunctionOfIndex() throws {
        let corpus = try Corpus(kind: .base, config: bothWorldsConfig(), seed: 5)
        let direct = corpus.batch(index: 1000, size: 8, length: 48)
        for i in 0..<5 { _ = corpus.batch(index: i, size: 8, length: 48) }
        XCTAssertEqual(corpus.batch(index: 1000, size: 8, length: 48), direct)
        XCTAssertEqual(Array(corpus.batch(index: 1000, size: 16, length: 48).prefix(8)), direct)
    }

    func testEvalSetsAndWorldAreDeterministic() throws {
        var c = DataConfig(); c.eval.itemsPerSet = 50
        let v1 = try Vocabulary(config: c), v2 = try Vocabulary(config: c)
        XCTAssertEqual(v1.words, v2.words)
        let e1 = EvalSuite.standard(vocabulary: v1, seed: 1), e2 = EvalSuite.standard(vocabulary: v2, seed: 1)
        XCTAssertEqual(e1.map(\.items), e2.map(\.items))
        let e3 = EvalSuite.standard(vocabulary: v1, seed: 2)
        XCTAssertNotEqual(e1.map(\.items), e3.map(\.items))
        var c2 = c; c2.kb.worldSeed = 1
        let w2 = try Vocabulary(config: c2).knowledgeBase
        XCTAssertNotEqual(v1.knowledgeBase.entities, w2.entities)
        XCTAssertEqual(Set(v1.knowledgeBase.entities).count, c.kb.entityCount)
    }

    func testRandomGeneratorKnownValuesAndRanges() {
        // Reference outputs of SplitMix64 with seed 0 (Vigna's splitmix64.c).
        var r = SplitMix64(seed: 0)
        XCTAssertEqual(r.next(), 0xE220_A839_7B1D_CDAF)
        XCTAssertEqual(r.next(), 0x6E78_9E6A_A1B9_65F4)
        var counts = [Int](repeating: 0, count: 7)
        for _ in 0..<7000 { counts[r.below(7)] += 1 }
        XCTAssertTrue(counts.allSatisfy { $0 > 850 && $0 < 1150 }, "\(counts)")
        let s = r.sample(Array(0..<10), count: 10)
        XCTAssertEqual(s.sorted(), Array(0..<10))
    }
}
