import XCTest
@testable import Report

/// Claim 5a's rule in the experiments the claims table does not read: each pause setting against
/// the Quiet-STaR setting and baseline of its experiment that share its other overrides.
final class PauseAnalysesTests: XCTestCase {
    /// Per seed a run of each (method, final accuracy) in the world's column (+ a small seed
    /// offset), with `extra` overrides before `method`.
    static func runs(_ experiment: String, _ methods: [(String, Double)], extra: [(String, String)] = [],
                     world: String = "gsm") -> [Fixtures.RunSpec] {
        var out: [Fixtures.RunSpec] = []
        for seed in [1, 2, 3] {
            let j = 0.004 * Double(seed - 2)
            for (method, value) in methods {
                var spec = Fixtures.RunSpec(experiment: experiment, overrides: extra + [("method", method)], method: method,
                                            seed: seed, thoughtLength: 11,
                                            gsm: world == "gsm" ? value + j : 0.02, csqa: world == "gsm" ? 0.02 : value + j)
                spec.config = world == "gsm" ? Fixtures.mathOnlyConfig : Fixtures.knowledgeBaseConfig
                out.append(spec)
            }
        }
        return out
    }

    func testPauseSettingsOutsideTheClaimsAreJudgedByTheirOwnExperiment() throws {
        // controls (claims table): no row. corpus-pause: Quiet-STaR 60%, pause 35%, baseline 30% ->
        // G = +25 >= bar +15 and > 2S = 1.6: would hold. csqa-pause (knowledge-base world): pause
        // as good as Quiet-STaR: G = 0 < bar +20 - 2S: would not hold.
        let runs = Self.runs("controls", [("noThought", 0.30), ("pause", 0.30), ("quietSTaR", 0.50)])
            + Self.runs("corpus-pause", [("noThought", 0.30), ("pause", 0.35), ("quietSTaR", 0.60)])
            + Self.runs("csqa-pause", [("noThought", 0.50), ("pause", 0.90), ("quietSTaR", 0.90)], world: "kb")
        let (dir, outcome) = try Fixtures.generate(runs, "pause-analyses")
        defer { Fixtures.cleanUp(dir) }
        XCTAssertEqual(outcome.pauseAnalyses.map { "\($0.experiment) \($0.task)" }, ["corpus-pause GSM-style", "csqa-pause CSQA-style"])
        let row = outcome.pauseAnalyses[0]
        XCTAssertEqual(row.verdict, .holds)
        XCTAssertTrue(row.reason.hasPrefix("Quiet-STaR - pause: gain +25.0 pts >= bar +15.0 pts"), row.reason)
        XCTAssertTrue(row.pause.hasPrefix("35.0% (3 seeds"), row.pause)
        XCTAssertTrue(row.quietSTaR.hasPrefix("60.0% (3 seeds") && row.quietSTaR.hasSuffix("(11 thought tokens (paper: 13), 4 ahead)"), row.quietSTaR)
        XCTAssertTrue(row.baseline.hasPrefix("30.0% (3 seeds"), row.baseline)
        XCTAssertEqual(row.perSeed, "Quiet-STaR - pause per seed (1 / 2 / 3): +25.0 / +25.0 / +25.0 pts")
        XCTAssertEqual(outcome.pauseAnalyses[1].verdict, .doesNotHold)
        XCTAssertTrue(outcome.pauseAnalyses[1].reason.contains("gain +0.0 pts < bar +20.0 pts"), outcome.pauseAnalyses[1].reason)
        // The claims table's 5a row still reads controls.
        XCTAssertEqual(outcome.checks.first { $0.number == "5a" && $0.task == "GSM-style" }?.experiment, "controls")
        let report = try String(contentsOfFile: outcome.reportPath, encoding: .utf8)
        XCTAssertTrue(report.contains("### Claim 5a in other experiments (analyses)"), report)
        XCTAssertTrue(report.contains("| corpus-pause | GSM-style | Pause tokens (t = 11) | 35.0% (3 seeds"), report)
        XCTAssertTrue(report.contains("| **would hold** | Quiet-STaR - pause: gain +25.0 pts"), report)
        XCTAssertTrue(report.contains("| **would not hold** | Quiet-STaR - pause: gain +0.0 pts"), report)
    }

    func testPauseIsComparedWithTheSettingsThatShareItsOtherOverrides() throws {
        // Two corpora in one experiment: the generic pause setting is judged against the generic
        // Quiet-STaR setting and baseline (G = 40 - 35 = +5, bar (40 - 30) / 2 = +5), not the
        // reasoning ones (G = +45, bar +25).
        let runs = Self.runs("pause-corpora", [("noThought", 0.30), ("pause", 0.35), ("quietSTaR", 0.50)], extra: [("corpus", "generic")])
            .map { spec -> Fixtures.RunSpec in var s = spec; if s.method == "quietSTaR" { s.gsm -= 0.10 }; return s }
            + Self.runs("pause-corpora", [("noThought", 0.30), ("quietSTaR", 0.80)], extra: [("corpus", "reasoning")])
        let (dir, outcome) = try Fixtures.generate(runs, "pause-analyses-corpora")
        defer { Fixtures.cleanUp(dir) }
        let row = try XCTUnwrap(outcome.pauseAnalyses.first)
        XCTAssertEqual(outcome.pauseAnalyses.count, 1)
        XCTAssertEqual(row.setting, "Pause tokens (t = 11), corpus: generic")
        XCTAssertTrue(row.quietSTaR.hasPrefix("40.0% (3 seeds"), row.quietSTaR)
        XCTAssertTrue(row.reason.hasPrefix("Quiet-STaR - pause: gain +5.0 pts >= bar +5.0 pts"), row.reason)
        XCTAssertEqual(row.perSeed, "Quiet-STaR - pause per seed (1 / 2 / 3): +5.0 / +5.0 / +5.0 pts")

        // Without a Quiet-STaR setting on the pause setting's corpus: no comparison.
        let (dir2, outcome2) = try Fixtures.generate(runs.filter { !($0.method == "quietSTaR" && $0.overrides.contains { $0 == ("corpus", "generic") }) },
                                                     "pause-analyses-no-partner")
        defer { Fixtures.cleanUp(dir2) }
        let alone = try XCTUnwrap(outcome2.pauseAnalyses.first)
        XCTAssertEqual(alone.verdict, .inconclusive)
        XCTAssertEqual(alone.quietSTaR, "no data")
    }
}
