import HDF5Log
import XCTest
@testable import Report

/// Loading logs, grouping runs into settings, labels, and the mean/spread arithmetic.
final class GroupingTests: XCTestCase {
    func testRunIDParsingDropsSeedAndKeepsUnderscoresInValues() {
        let parts = RunData.overrides(fromRunID: "thoughtLength=8_method=quietSTaR_seed=1")
        XCTAssertEqual(parts.map(\.key), ["thoughtLength", "method"])
        XCTAssertEqual(parts.map(\.value), ["8", "quietSTaR"])
        let odd = RunData.overrides(fromRunID: "corpus=my_corpus_seed=2")
        XCTAssertEqual(odd.map(\.key), ["corpus"])
        XCTAssertEqual(odd.map(\.value), ["my_corpus"])
    }

    func testSummaryMath() throws {
        let s = try XCTUnwrap(SeedSummary([0.1, 0.2, 0.3, .nan]))
        XCTAssertEqual(s.count, 3)
        XCTAssertEqual(s.mean, 0.2, accuracy: 1e-12)
        XCTAssertEqual(s.spread, 0.2, accuracy: 1e-12)
        XCTAssertEqual(s.std, 0.1, accuracy: 1e-12)
        XCTAssertEqual(SeedSummary([5])?.std, 0)
        XCTAssertNil(SeedSummary([.nan]))
    }

    func testCurveKeepsCommonFiniteSteps() throws {
        let c = try XCTUnwrap(SeedCurve(runs: [([0, 1, 2, 3], [1, 2, 3, 4]), ([0, 1, 2], [3, .nan, 5])]))
        XCTAssertEqual(c.steps, [0, 2])
        XCTAssertEqual(c.mean, [2, 4])
        XCTAssertEqual(c.min, [1, 3])
        XCTAssertEqual(c.max, [3, 5])
    }

    func testGroupingLabelsAndFinalStatistics() throws {
        let dir = Fixtures.directory("grouping")
        defer { Fixtures.cleanUp(dir) }
        var runs = Fixtures.thoughtLength(gains: [8: 0.1])
        runs.append(.init(experiment: "thought-length", overrides: [("thoughtLength", "8"), ("method", "quietSTaR")],
                          method: "quietSTaR", seed: 4, status: "failed: loss is NaN at step 3"))
        // Numbers stored as doubles are accepted like integers.
        for i in runs.indices where runs[i].seed == 2 { runs[i].seedsAsDoubles = true }
        try Fixtures.write(runs, to: dir)

        let results = try Results.load(from: dir.path)
        XCTAssertEqual(results.skipped.count, 1)
        XCTAssertEqual(results.skipped.first?.status, "failed: loss is NaN at step 3")
        let settings = results.settings(of: "thought-length")
        XCTAssertEqual(settings.map(\.label), ["Baseline", "8 thought tokens (paper: 10), 4 ahead"])
        XCTAssertEqual(settings.map(\.id), ["method=noThought", "thoughtLength=8_method=quietSTaR"])
        XCTAssertEqual(settings.map(\.seeds), [[1, 2, 3], [1, 2, 3]])
        XCTAssertEqual(settings[1].forwardPassesPerToken, 11)
        XCTAssertEqual(settings[0].forwardPassesPerToken, 1)

        // Final GSM soft: baseline 0.06 + 0.004 (seed - 2), Quiet-STaR 0.16 + 0.004 (seed - 2).
        let q = try XCTUnwrap(settings[1].finalSummary("gsm_soft"))
        XCTAssertEqual(q.mean, 0.16, accuracy: 1e-9)
        XCTAssertEqual(q.spread, 0.008, accuracy: 1e-9)
        XCTAssertEqual(q.std, 0.004, accuracy: 1e-9)
        let curve = try XCTUnwrap(settings[1].curve("eval", "gsm_soft"))
        XCTAssertEqual(curve.steps, [0, 10, 20, 30, 39])
        XCTAssertEqual(curve.mean.first!, 0.06, accuracy: 1e-9)
        XCTAssertEqual(curve.max.last! - curve.min.last!, 0.008, accuracy: 1e-9)
        XCTAssertEqual(results.experiments["thought-length"]!.first!.wallSeconds, 60, accuracy: 1e-9)
    }

    func testOtherOverridesAreLabelledReadably() throws {
        let dir = Fixtures.directory("labels")
        defer { Fixtures.cleanUp(dir) }
        try Fixtures.write([
            .init(experiment: "corpus", overrides: [("corpus", "generic"), ("method", "quietSTaR")], method: "quietSTaR", seed: 1),
            .init(experiment: "corpus", overrides: [("corpus", "generic"), ("method", "noThought")], method: "noThought", seed: 1),
            .init(experiment: "ablations", overrides: [("rationales", "4")], method: "quietSTaR", seed: 1, rationales: 4),
            .init(experiment: "ablations", overrides: [("policyWeight", "10")], method: "quietSTaR", seed: 1),
            .init(experiment: "controls", overrides: [("method", "pause")], method: "pause", seed: 1),
            .init(experiment: "mixing-head", overrides: [("mixingHeadLRScale", "10")], method: "quietSTaR", seed: 1),
            .init(experiment: "mixing-head", overrides: [("mixingHeadTraining", "firstTalkStep")], method: "quietSTaR", seed: 1),
            .init(experiment: "mixing-head", overrides: [("mixingHeadTraining", "allTalkSteps")], method: "quietSTaR", seed: 1),
        ], to: dir)
        let results = try Results.load(from: dir.path)
        XCTAssertEqual(results.settings(of: "corpus").map(\.label),
                       ["Baseline, corpus: generic", "8 thought tokens (paper: 10), 4 ahead, corpus: generic"])
        XCTAssertEqual(results.settings(of: "ablations").map(\.label), ["8 thought tokens (paper: 10), 4 ahead, policy weight 10",
                                                                    "8 thought tokens (paper: 10), 4 ahead, r = 4"])
        XCTAssertEqual(results.settings(of: "controls").map(\.label), ["Pause tokens (t = 8)"])
        XCTAssertEqual(results.settings(of: "mixing-head").map(\.label),
                       ["8 thought tokens (paper: 10), 4 ahead, mixing head at 10x the learning rate",
                        "8 thought tokens (paper: 10), 4 ahead, mixing head trained by every talk step",
                        "8 thought tokens (paper: 10), 4 ahead, mixing head trained by the first talk step"])
    }

    func testLogWithoutMethodIsReportedByFileAndField() throws {
        let dir = Fixtures.directory("bad")
        defer { Fixtures.cleanUp(dir) }
        var log = Fixtures.log(.init(experiment: "controls", overrides: [("method", "pause")], method: "pause", seed: 1))
        log.attributes["method"] = nil
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("controls"), withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("controls/x.h5").path
        try log.write(to: path)
        let results = try Results.load(from: dir.path)
        XCTAssertTrue(results.experiments.isEmpty)
        XCTAssertEqual(results.problems, ["\(path): /@method: missing or not a string"])
    }
}
