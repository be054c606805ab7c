import XCTest
@testable import Report

/// The claims rows recomputed on `<results>/replication`: the same experiments on other seeds, by
/// the same rules, beside the claims table's verdicts.
final class ReplicationTests: XCTestCase {
    /// Main results: thought-length (gains grow with t, claim 1 holds) and controls (pause gives
    /// little), both math-only. Replication on seeds 7 / 8 / 9: thought-length with no gain at any
    /// t, and no controls.
    func testClaimsRowsAreRecomputedOnTheReplicationSeeds() throws {
        func mathOnly(_ runs: [Fixtures.RunSpec]) -> [Fixtures.RunSpec] { runs.map { var r = $0; r.config = Fixtures.mathOnlyConfig; return r } }
        let main = mathOnly(Fixtures.thoughtLength())
            + PauseAnalysesTests.runs("controls", [("noThought", 0.30), ("pause", 0.31), ("quietSTaR", 0.50)])
        let replication = mathOnly(Fixtures.thoughtLength(seeds: [7, 8, 9], gains: [2: 0, 4: 0, 8: 0]))
        let dir = Fixtures.directory("replication")
        defer { Fixtures.cleanUp(dir) }
        let results = dir.appendingPathComponent("results")
        try Fixtures.write(main, to: results)
        try Fixtures.write(replication, to: results.appendingPathComponent(Replication.folder))
        let outcome = try ReportGenerator(resultsDirectory: results.path,
                                          figuresDirectory: dir.appendingPathComponent("paper-figures").path).run()

        // The replication folder holds no run logs itself: it is not read as an experiment.
        XCTAssertNil(outcome.results.experiments[Replication.folder])
        // Rows: those whose experiment the replication has (thought-length), and that its runs can
        // test: the CSQA-style rows of math-only models are not tested, so they are left out.
        XCTAssertEqual(outcome.replication.map { "\($0.number) \($0.task)" }, ["1 GSM-style", "3 GSM-style", "4 "])
        let one = try XCTUnwrap(outcome.replication.first)
        XCTAssertEqual(one.experiment, "thought-length")
        XCTAssertEqual(one.mainSeeds, [1, 2, 3])
        XCTAssertEqual(one.seeds, [7, 8, 9])
        XCTAssertEqual(one.mainVerdict, .holds)
        XCTAssertEqual(outcome.checks.first { $0.number == "1" }?.verdict, .holds)
        // No gain on seeds 7 / 8 / 9: G = 0 < bar 5 - 2S, so the claim does not hold there.
        XCTAssertEqual(one.verdict, .doesNotHold)
        XCTAssertTrue(one.ours.contains("per seed (7 / 8 / 9): +0.0 / +0.0 / +0.0 pts"), one.ours)
        XCTAssertEqual(outcome.replication[1].verdict, .inconclusive)   // equal means: no length beats another by 2S

        let report = try String(contentsOfFile: outcome.reportPath, encoding: .utf8)
        XCTAssertTrue(report.contains("### Replication on other seeds\n\nThe claims table's rules applied to the runs in `replication/`"), report)
        XCTAssertTrue(report.contains("| 1 | GSM-style | Quiet-STaR raises zero-shot accuracy over the no-thought baseline (bar +5 pts) | thought-length | **holds** (seeds 1, 2, 3) | "), report)
        XCTAssertTrue(report.contains(" (seeds 7, 8, 9) | **does not hold** | "), report)
        // The claims table itself is computed from the main seeds only.
        XCTAssertTrue(try XCTUnwrap(outcome.checks.first { $0.number == "1" }).ours.contains("per seed (1 / 2 / 3)"))
    }

    /// Without a replication folder the section says so and has no rows.
    func testNoReplicationFolderGivesAnEmptySection() throws {
        let (dir, outcome) = try Fixtures.generate(Fixtures.thoughtLength(), "no-replication")
        defer { Fixtures.cleanUp(dir) }
        XCTAssertTrue(outcome.replication.isEmpty)
        let report = try String(contentsOfFile: outcome.reportPath, encoding: .utf8)
        XCTAssertTrue(report.contains("_No replication runs (`replication/` has no complete runs of an experiment the claims table reads)._"), report)
    }
}
