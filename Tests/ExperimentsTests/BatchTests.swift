import XCTest
import SyntheticData
@testable import Experiments

final class BatchTests: XCTestCase {
    func testBatchIsCutAfterTheLongestRowWithoutLosingScoredTokens() throws {
        let vocab = try Vocabulary(config: DataConfig())
        let corpus = try Corpus(kind: .base, vocabulary: vocab, seed: 3)
        let rows = corpus.batch(index: 0, size: 8, length: 64)
        let batch = Batch(rows: rows, corpus: corpus, pad: vocab.pad)
        let longest = rows.map { ($0.lastIndex { $0 != vocab.pad } ?? 0) + 1 }.max()!
        XCTAssertEqual(batch.length, longest)
        XCTAssertLessThan(batch.length, 64, "unpacked rows should end in padding")
        // Every scored target of the full rows is kept, in the same place.
        let full = rows.map(corpus.targets)
        for (r, t) in full.enumerated() {
            for (i, v) in t.enumerated() where v != Corpus.ignoreIndex {
                XCTAssertLessThan(i, batch.length)
                XCTAssertEqual(batch.targets[r * batch.length + i], v)
            }
        }
        XCTAssertEqual(batch.tokens.count, 8 * batch.length)
    }
}
