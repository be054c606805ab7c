import Foundation
import HDF5Log
@testable import Report
import XCTest

/// The regression check: the comparison of measured curves with a reference (pure, in memory),
/// the reference file, reading run logs, and the overlay figure's specification.
final class RegressionTests: XCTestCase {
    /// Two runs, 5 evaluations each, 50 items per set (one exact-match item is 1/50 = 0.02).
    func reference() -> RegressionReference {
        func run(_ id: String, _ offset: Double, thinking: Bool) -> RegressionReference.Run {
            let steps = [0, 5, 10, 15, 20]
            let eval: [String: [Double]] = [
                "gsm_soft": steps.map { 0.20 + offset + 0.004 * Double($0) },
                "gsm_exact": steps.map { 0.30 + offset + 0.02 * Double($0 / 5) },
                "csqa_hop1_soft": steps.map { 0.40 + offset + 0.001 * Double($0) },
                "csqa_hop1_exact": [0.36, 0.38, 0.38, 0.40, 0.42],
            ]
            let train: [String: Double] = ["loss": 2.5 + offset, "nll_base": 2.4, "lr": 3e-4,
                                           "nll_talk": thinking ? 2.3 : .nan, "tokens": 512]
            let config = "{\"eval\": {\"itemsPerSet\": 50}, \"train\": {\"lr\": 0.0003, \"steps\": 20}, \"description\": \"x\"}"
            return RegressionReference.Run(run: id, softwareVersion: "test 1", config: config, itemsPerSet: 50,
                                           evalSteps: steps, eval: eval, finalTrainStep: 19, trainFinal: train)
        }
        return RegressionReference(experiment: "regression", experimentFile: "{}", machine: "test machine",
                                   runs: [run("method=noThought_seed=1", 0, thinking: false),
                                          run("method=quietSTaR_seed=1", 0.05, thinking: true)])
    }

    func testIdenticalCopyPasses() {
        let check = RegressionCheck(reference: reference(), measured: reference())
        XCTAssertTrue(check.passed, check.table())
        // 2 runs x (4 curves x 5 steps + 5 final train values)
        XCTAssertEqual(check.comparedPoints, 2 * (4 * 5 + 5))
        XCTAssertEqual(check.identicalPoints, check.comparedPoints)
    }

    /// The check's own tolerance: the tests move points relative to it, so they hold when it is re-tuned.
    let tol = RegressionTolerance.standard

    func testSoftPointBeyondToleranceFailsAndTheTableNamesCurveAndStep() {
        var now = reference()
        now.runs[1].eval["gsm_soft"]![3] += 1.5 * tol.soft
        let check = RegressionCheck(reference: reference(), measured: now)
        XCTAssertEqual(check.mismatches.count, 1)
        XCTAssertEqual(check.mismatches.first?.curve, "eval/gsm_soft")
        XCTAssertEqual(check.mismatches.first?.step, 15)
        XCTAssertEqual(check.mismatches.first?.run, "method=quietSTaR_seed=1")
        let table = check.table()
        XCTAssertTrue(table.hasPrefix("curve"), table)
        let row = table.split(separator: "\n").first { $0.contains("eval/gsm_soft") }.map(String.init) ?? ""
        let cells = row.split(separator: " ").map(String.init)
        XCTAssertEqual(cells[0], "method=quietSTaR_seed=1", row)
        XCTAssertEqual(cells[1], "eval/gsm_soft", row)
        XCTAssertEqual(cells[2], "15", row)                                      // step
        XCTAssertEqual(cells[3], "0.31", row)                                    // reference 0.25 + 0.004 * 15
        XCTAssertEqual(cells[4], RegressionCheck.format(0.31 + 1.5 * tol.soft), row)   // now
        XCTAssertEqual(cells[5], RegressionCheck.format(tol.soft), row)         // tolerance
    }

    func testSoftPointWithinTolerancePasses() {
        var now = reference()
        now.runs[1].eval["gsm_soft"]![3] += 0.9 * tol.soft
        let check = RegressionCheck(reference: reference(), measured: now)
        XCTAssertTrue(check.passed, check.table())
        XCTAssertEqual(check.identicalPoints, check.comparedPoints - 1)
        XCTAssertEqual(check.largestFractionOfTolerance, 0.9, accuracy: 1e-6)
    }

    func testExactScoreAllowsTheToleratedItemsNotOneMore() {
        let item = 1.0 / 50
        var within = reference(), beyond = reference()
        within.runs[0].eval["csqa_hop1_exact"]![2] -= tol.exactItems * item
        beyond.runs[0].eval["csqa_hop1_exact"]![2] -= (tol.exactItems + 1) * item
        XCTAssertTrue(RegressionCheck(reference: reference(), measured: within).passed)
        let check = RegressionCheck(reference: reference(), measured: beyond)
        XCTAssertEqual(check.mismatches.map(\.curve), ["eval/csqa_hop1_exact"])
        XCTAssertEqual(check.mismatches.first?.tolerance ?? 0, tol.exactItems * item, accuracy: 1e-12)
        XCTAssertEqual(check.mismatches.first?.step, 10)
    }

    func testFinalTrainValueIsComparedRelatively() {
        var within = reference(), beyond = reference()
        // loss = 2.5: the relative tolerance is the larger one (checked, so the test means what it says).
        XCTAssertGreaterThan(tol.trainRelative * 2.5, tol.trainAbsolute)
        within.runs[0].trainFinal["loss"]! *= 1 + 0.9 * tol.trainRelative
        beyond.runs[0].trainFinal["loss"]! *= 1 + 1.1 * tol.trainRelative
        XCTAssertTrue(RegressionCheck(reference: reference(), measured: within).passed)
        let check = RegressionCheck(reference: reference(), measured: beyond)
        XCTAssertEqual(check.mismatches.map(\.curve), ["train/loss (final)"])
        XCTAssertEqual(check.mismatches.first?.step, 19)
    }

    func testScheduleAndTokenCountMustBeEqual() {
        var now = reference()
        now.runs[0].trainFinal["lr"]! *= 1.0001             // far below the BLAS tolerance, still a change
        now.runs[1].trainFinal["tokens"]! += 1
        let check = RegressionCheck(reference: reference(), measured: now)
        XCTAssertEqual(check.mismatches.map(\.curve), ["train/lr (final)", "train/tokens (final)"])
    }

    func testNaNMatchesNaNButNotANumber() {
        var now = reference()
        XCTAssertTrue(RegressionCheck(reference: reference(), measured: now).passed)   // nll_talk NaN in both
        now.runs[0].trainFinal["nll_talk"] = 2.3
        let check = RegressionCheck(reference: reference(), measured: now)
        XCTAssertEqual(check.mismatches.map(\.curve), ["train/nll_talk (final)"])
        XCTAssertEqual(check.mismatches.first?.problem, "finite in one, not in the other")
    }

    func testMissingCurveFails() {
        var now = reference()
        now.runs[0].eval["csqa_hop1_soft"] = nil
        now.runs[1].trainFinal["nll_base"] = nil
        let check = RegressionCheck(reference: reference(), measured: now)
        XCTAssertEqual(check.mismatches.map { "\($0.run) \($0.curve) \($0.problem)" },
                       ["method=noThought_seed=1 eval/csqa_hop1_soft curve missing",
                        "method=quietSTaR_seed=1 train/nll_base (final) curve missing"])
        XCTAssertTrue(check.table().contains("eval/csqa_hop1_soft"))
    }

    func testMissingRunFails() {
        var now = reference()
        now.runs.remove(at: 0)
        let check = RegressionCheck(reference: reference(), measured: now)
        XCTAssertEqual(check.mismatches.count, 1)
        XCTAssertEqual(check.mismatches.first?.run, "method=noThought_seed=1")
        XCTAssertEqual(check.mismatches.first?.curve, "run")
        XCTAssertTrue(check.table().contains("method=noThought_seed=1 run"))
    }

    func testMissingStepFails() {
        var now = reference()
        now.runs[1].evalSteps.remove(at: 2)
        for k in now.runs[1].eval.keys { now.runs[1].eval[k]!.remove(at: 2) }
        let check = RegressionCheck(reference: reference(), measured: now)
        XCTAssertEqual(check.mismatches.count, 1)
        XCTAssertEqual(check.mismatches.first?.curve, "eval/step")
        XCTAssertEqual(check.mismatches.first?.step, 10)
        XCTAssertEqual(check.mismatches.first?.problem, "evaluation step missing")
        // The other steps are still compared, aligned by step (not by position): all identical.
        XCTAssertEqual(check.identicalPoints, check.comparedPoints)
        XCTAssertEqual(check.comparedPoints, 2 * (4 * 5 + 5) - 4)
    }

    func testNewRunCurveOrStepFails() {
        var now = reference()
        var extra = now.runs[0]
        extra.run = "method=pause_seed=1"
        now.runs.append(extra)
        now.runs[0].eval["gsm_k9_soft"] = [0, 0, 0, 0, 0]
        now.runs[1].evalSteps.append(25)
        for k in now.runs[1].eval.keys { now.runs[1].eval[k]!.append(0.5) }
        let problems = RegressionCheck(reference: reference(), measured: now).mismatches.map { "\($0.run) \($0.curve)" }
        XCTAssertEqual(Set(problems), ["method=pause_seed=1 run", "method=noThought_seed=1 eval/gsm_k9_soft",
                                       "method=quietSTaR_seed=1 eval/step"])
    }

    func testConfigurationDifferenceIsNamedByPath() {
        var now = reference()
        now.runs[0].config = now.runs[0].config.replacingOccurrences(of: "0.0003", with: "0.0005")
            .replacingOccurrences(of: "\"x\"", with: "\"other words\"")
        let check = RegressionCheck(reference: reference(), measured: now)
        XCTAssertEqual(check.mismatches.map(\.problem), ["configuration train.lr: 0.0003 in the reference, 0.0005 now"])
    }

    func testZeroToleranceListsEveryChange() {
        var now = reference()
        now.runs[0].eval["gsm_soft"]![0] = now.runs[0].eval["gsm_soft"]![0].nextUp
        XCTAssertTrue(RegressionCheck(reference: reference(), measured: now).passed)
        XCTAssertEqual(RegressionCheck(reference: reference(), measured: now, tolerance: .zero).mismatches.count, 1)
    }

    func testReferenceFileRoundTripIsBitIdentical() throws {
        let dir = Fixtures.directory("regression-file")
        defer { Fixtures.cleanUp(dir) }
        var ref = reference()
        ref.runs[0].eval["gsm_soft"]![1] = 0.1 + 0.2          // not exactly representable in short decimal
        let path = dir.appendingPathComponent("reference/regression.json").path
        try ref.write(to: path)
        let back = try RegressionReference.read(from: path)
        let check = RegressionCheck(reference: ref, measured: back, tolerance: .zero)
        XCTAssertTrue(check.passed, check.table())
        XCTAssertEqual(back.runs.map(\.config), ref.runs.map(\.config))
        XCTAssertEqual(back.machine, "test machine")
        XCTAssertTrue(try String(contentsOfFile: path, encoding: .utf8).contains("\"nan\""))
    }

    func testUnreadableReferenceNamesTheFile() throws {
        let dir = Fixtures.directory("regression-bad")
        defer { Fixtures.cleanUp(dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("regression.json").path
        try "{\"format\": 1}".write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try RegressionReference.read(from: path)) { error in
            XCTAssertTrue("\(error)".hasPrefix(path), "\(error)")
        }
    }

    func testMeasureReadsEvalCurvesAndFinalTrainValuesFromLogs() throws {
        let dir = Fixtures.directory("regression-measure")
        defer { Fixtures.cleanUp(dir) }
        var a = Fixtures.RunSpec(experiment: "regression", overrides: [("method", "noThought")], method: "noThought", seed: 1)
        a.steps = 21
        var b = Fixtures.RunSpec(experiment: "regression", overrides: [("method", "quietSTaR")], method: "quietSTaR", seed: 1)
        b.steps = 21
        try Fixtures.write([a, b], to: dir)
        let folder = dir.appendingPathComponent("regression").path
        let m = try RegressionReference.measure(experimentDirectory: folder, experiment: "regression",
                                                experimentFile: "{}", machine: "m")
        XCTAssertEqual(m.runs.map(\.run), ["method=noThought_seed=1", "method=quietSTaR_seed=1"])
        let run = m.runs[1]
        XCTAssertEqual(run.evalSteps, [0, 10, 20])
        XCTAssertEqual(run.eval["gsm_soft"]?.count, 3)
        XCTAssertNil(run.eval["step"])
        XCTAssertEqual(run.finalTrainStep, 20)
        XCTAssertNil(run.trainFinal["seconds"])                 // wall time is not compared
        XCTAssertNil(run.trainFinal["step"])
        XCTAssertEqual(run.trainFinal["tokens"], 20 * 512)
        XCTAssertEqual(run.softwareVersion, "test")
        XCTAssertTrue(RegressionCheck(reference: m, measured: m).passed)

        // A run that did not complete cannot be measured.
        var c = a
        c.seed = 2
        c.status = "running"
        try Fixtures.write([c], to: dir)
        XCTAssertThrowsError(try RegressionReference.measure(experimentDirectory: folder, experiment: "regression",
                                                             experimentFile: "{}", machine: "m")) { error in
            XCTAssertTrue("\(error)".contains("not complete"), "\(error)")
        }
    }

    func testItemsPerSetIsReadFromTheConfiguration() {
        XCTAssertEqual(RegressionReference.itemsPerSet(inConfig: "{\"eval\": {\"itemsPerSet\": 50, \"every\": 5}}"), 50)
        XCTAssertNil(RegressionReference.itemsPerSet(inConfig: "{}"))
    }

    func testOverlayFigureDrawsTheFailingCurves() {
        var now = reference()
        now.runs[1].eval["gsm_soft"]![3] += 0.05
        let figure = RegressionFigure.figure(for: RegressionCheck(reference: reference(), measured: now))
        XCTAssertEqual(figure?.panels.map(\.title), ["method=quietSTaR_seed=1: gsm_soft"])
        XCTAssertEqual(figure?.panels.first?.series.map(\.name), ["reference", "now"])
        XCTAssertEqual(figure?.panels.first?.series[1].y[3] ?? 0, 0.05 + 0.05 + 0.06 + 0.20, accuracy: 1e-12)
        XCTAssertNoThrow(try figure?.validate())

        // Only a final training value off: the runs' task means are drawn instead.
        var train = reference()
        train.runs[0].trainFinal["loss"] = 9
        let fallback = RegressionFigure.figure(for: RegressionCheck(reference: reference(), measured: train))
        XCTAssertEqual(fallback?.panels.map(\.title), ["method=noThought_seed=1: gsm_soft"])   // no csqa_soft in these runs

        XCTAssertNil(RegressionFigure.figure(for: RegressionCheck(reference: reference(), measured: reference())))
    }
}
