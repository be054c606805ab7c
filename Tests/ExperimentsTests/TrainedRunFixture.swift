import Foundation
import XCTest
@testable import Experiments

/// One tiny trained run shared by the inspection and chain-of-thought tests (the tiny settings of
/// `EndToEndTests`, plus `eval.cot` on 4 items), trained once per test process in a temporary
/// results folder.
enum TrainedRunFixture {
    static let name = "inspect"
    static let text = """
        {"name": "\(name)",
         "base": {"model": {"layers": 1, "width": 16, "heads": 2},
                  "pretrain": {"steps": 20, "factSteps": 4, "batch": 8, "warmup": 2},
                  "quietstar": {"thoughtLength": 3, "rationales": 2, "nTrue": 2},
                  "train": {"steps": 4, "batch": 4, "warmup": 1},
                  "eval": {"every": 2, "itemsPerSet": 20, "batch": 20, "tokenBatches": 1, "thoughtSamples": 3,
                           "decoding": "greedy", "cot": {"items": 4, "samples": 8, "maxTokens": 12}}},
         "seeds": [1]}
        """

    /// The results folder and the run's id (trained on first use).
    static let trained: (results: String, id: String) = {
        let results = NSTemporaryDirectory() + "qs-inspect-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: results, withIntermediateDirectories: true)
        let file = results + "/inspect.json"
        try! text.write(toFile: file, atomically: true, encoding: .utf8)
        var o = SweepRunner.Options()
        o.results = results
        o.threadsPerJob = 1
        let runner = SweepRunner(plan: try! SweepPlan.load(file: file), options: o)
        let summary = try! runner.execute(progress: SweepProgress(live: false, write: { _ in }))
        precondition(summary.complete.count == 1, "fixture run did not complete: \(summary)")
        atexit { try? FileManager.default.removeItem(atPath: TrainedRunFixture.resultsForCleanup) }
        resultsForCleanup = results
        return (results, runner.runs[0].id)
    }()

    nonisolated(unsafe) static var resultsForCleanup = ""

    static var directory: String { "\(trained.results)/\(name)" }
}
