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

final class ExtraRunsTests: XCTestCase {
    func testExtraRunsJoinTheProductOnce() throws {
        let text = """
        {"name": "x", "sweep": {"quietstar.thoughtLength": [3, 7]},
         "extra": [{"quietstar.method": "noThought"}], "seeds": [1, 2]}
        """
        let plan = try SweepPlan.parse(text: text, file: "x.json")
        XCTAssertEqual(plan.runs.map(\.id), ["thoughtLength=3_seed=1", "thoughtLength=3_seed=2",
                                             "thoughtLength=7_seed=1", "thoughtLength=7_seed=2",
                                             "method=noThought_seed=1", "method=noThought_seed=2"])
        XCTAssertEqual(plan.runs.last!.experiment.quietstar.method, .noThought)
        XCTAssertThrowsError(try SweepPlan.parse(text: #"{"extra": [{"quietstar.thoughtLenth": 3}]}"#, file: "y.json")) { e in
            XCTAssertTrue("\(e)".contains("thoughtLength"), "\(e)")
        }
        XCTAssertThrowsError(try SweepPlan.parse(text: #"{"extra": []}"#, file: "y.json"))
    }
}
