import XCTest
@testable import Report
import Figures

/// Whole report: claims computed from fixture logs, notes kept, missing parts listed, figures drawn.
final class ReportGenerationTests: XCTestCase {
    static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    func verdict(_ o: ReportGenerator.Outcome, _ number: String, _ task: String = "GSM-style") -> Verdict? {
        o.checks.first { $0.number == number && ($0.task == task || $0.task.isEmpty) }?.verdict
    }

    func testFullFixtureRendersEveryFigureAndChecksClaims() throws {
        let (dir, outcome) = try Fixtures.generate(Fixtures.thoughtLength() + Fixtures.controlsAndCot(), "full")
        defer { Fixtures.cleanUp(dir) }
        XCTAssertEqual(outcome.failures, [])
        XCTAssertEqual(outcome.missingFigures, ["ablations: no complete Quiet-STaR runs with overrides in the ablations experiment",
                                                "head-start: no complete Quiet-STaR and baseline runs of thought-length-long or csqa-long (the main comparisons trained longer)"])
        let names = Set(outcome.rendered.map { $0.png.deletingPathExtension().lastPathComponent })
        XCTAssertEqual(names, ["figure2-accuracy-vs-step", "figure2-accuracy-vs-compute", "figure5-cot-majority",
                               "improvement-density", "improvement-histogram", "training-curves", "example-thoughts",
                               "per-difficulty"])
        for f in outcome.rendered {
            for url in f.allFiles { XCTAssertTrue(FileManager.default.fileExists(atPath: url.path), url.path) }
            XCTAssertEqual(Array(try Data(contentsOf: f.png).prefix(8)), Self.pngSignature, f.png.path)
            XCTAssertEqual(f.vector.pathExtension, "svg")
        }
        // Fixture: +10 pts (spread 0.8) at t = 8, gains 3 < 6 < 10 with t, hard tokens gain most,
        // pause +0.5 vs Quiet-STaR +9, CoT +7.
        XCTAssertEqual(verdict(outcome, "1"), .holds)
        XCTAssertEqual(verdict(outcome, "2", "CSQA-style"), .holds)
        XCTAssertEqual(verdict(outcome, "3"), .holds)
        XCTAssertEqual(verdict(outcome, "4"), .holds)
        XCTAssertEqual(verdict(outcome, "5a"), .holds)
        XCTAssertEqual(verdict(outcome, "6"), .holds)
        XCTAssertEqual(verdict(outcome, "5b"), .inconclusive)   // no corpus experiment
        XCTAssertEqual(verdict(outcome, "7a"), .inconclusive)   // no ablations experiment

        let report = try String(contentsOfFile: outcome.reportPath, encoding: .utf8)
        XCTAssertTrue(report.contains("Experiments without complete runs: `corpus`, `ablations`, `csqa`."), report)
        XCTAssertTrue(report.contains("Not counted (status `running`)"))
        XCTAssertTrue(report.contains("| 8 thought tokens (paper: 10), 4 ahead | `thoughtLength=8_method=quietSTaR` | 1, 2, 3 | 16.0% (15.6-16.4, std 0.4)"), report)
        XCTAssertTrue(report.contains("| thought-length | 12 | 0h 12m 00s (720 s) |"), report)
        // The comparisons seed by seed: +10 pts in each seed at t = 8; Quiet-STaR - pause +8.5 in the
        // two seeds both completed (seed 3's Quiet-STaR run is still running).
        XCTAssertTrue(report.contains("; per seed (1 / 2 / 3): +10.0 / +10.0 / +10.0 pts |"), report)
        XCTAssertTrue(report.contains("; Quiet-STaR - pause per seed (1 / 2): +8.5 / +8.5 pts |"), report)
        XCTAssertTrue(report.contains("](../paper-figures/figure2-accuracy-vs-step.png)"), report)
        // The fixture configs have no eval.cot.steps: the items came from the evaluation sets.
        XCTAssertTrue(report.contains("4 ahead); items: the GSM evaluation sets |"), report)
        // No experiment trains on the generic corpus: the 5b analyses table says so.
        XCTAssertEqual(outcome.corpusAnalyses.count, 0)
        XCTAssertTrue(report.contains("_No other experiment has a Quiet-STaR setting on the generic corpus._"), report)
        // The pause runs are controls', which the claims table reads: no 5a analysis rows.
        XCTAssertEqual(outcome.pauseAnalyses.count, 0)
        XCTAssertTrue(report.contains("### Claim 5a in other experiments (analyses)\n\nClaim 5a's rule applied"), report)
        XCTAssertTrue(report.contains("_No other experiment has a pause-token setting._"), report)
    }

    /// Claim 6 says which chain-of-thought items its runs used (`eval.cot.steps` of their configs).
    func testCoTClaimNamesItsItems() throws {
        func cot(_ config: String) -> [Fixtures.RunSpec] {
            Fixtures.controlsAndCot().filter { $0.experiment == "cot" }.map { var r = $0; r.config = config; return r }
        }
        let chains = #"{"eval": {"cot": {"items": 100, "steps": 4}}}"#
        let (dir, outcome) = try Fixtures.generate(cot(chains), "cot-items")
        defer { Fixtures.cleanUp(dir) }
        let six = try XCTUnwrap(outcome.checks.first { $0.number == "6" })
        XCTAssertTrue(six.ours.hasSuffix("; items: held-out chains of 4 operations"), six.ours)
        XCTAssertEqual(six.verdict, .holds)
        // Figure 5 names the items in its title and draws the no-thought model's curve once (its
        // "thoughts off" curve would be the same curve).
        let gp = try String(contentsOf: dir.appendingPathComponent("paper-figures/figure5-cot-majority.gp"),
                            encoding: .utf8)
        XCTAssertTrue(gp.contains("held-out chains of 4 operations"), gp)
        XCTAssertTrue(gp.contains("title \"Baseline model\""), gp)
        XCTAssertFalse(gp.contains("Baseline: thoughts off"), gp)
        XCTAssertTrue(gp.contains(": thoughts off\""), gp)

        /// Claim 6's items as the report names them for these runs.
        func items(_ runs: [Fixtures.RunSpec], _ name: String) throws -> String {
            let (d, o) = try Fixtures.generate(runs, name)
            defer { Fixtures.cleanUp(d) }
            let six = try XCTUnwrap(o.checks.first { $0.number == "6" })
            return six.ours.components(separatedBy: "; items: ").last ?? six.ours
        }
        var mixed = cot(chains)
        mixed[0].config = #"{"eval": {"cot": {"items": 100, "steps": null}}}"#
        XCTAssertEqual(try items(mixed, "cot-items-mixed"), "mixed chain lengths across runs")
        // A world with sentences in random order is named too, and one where only some problems are.
        let shuffled = cot(#"{"eval": {"cot": {"items": 100}}, "data": {"gsm": {"shuffleSentences": true}}}"#)
        XCTAssertEqual(try items(shuffled, "cot-items-shuffled"), "the GSM evaluation sets, sentences in random order")
        var someShuffled = shuffled
        someShuffled[0].config = #"{"eval": {"cot": {"items": 100}}}"#
        XCTAssertEqual(try items(someShuffled, "cot-items-some-shuffled"),
                       "the GSM evaluation sets, sentence order mixed across runs")
        let half = cot(#"{"eval": {"cot": {"items": 100}}, "data": {"gsm": {"shuffleFraction": 0.5}}}"#)
        XCTAssertEqual(try items(half, "cot-items-half-shuffled"),
                       "the GSM evaluation sets, sentences in random order in 50% of problems")
        XCTAssertEqual(RunData.shuffledFraction(#"{"data": {"gsm": {"shuffleSentences": true}}}"#), 1)
        XCTAssertEqual(RunData.shuffledFraction(#"{"data": {"gsm": {"shuffleSentences": false, "shuffleFraction": 0.25}}}"#), 0.25)
        XCTAssertEqual(RunData.shuffledFraction(#"{"data": {"gsm": {"modulus": 11}}}"#), 0)
        XCTAssertEqual(RunData.cotSteps(#"{"eval": {"cot": {"steps": 5}}}"#), 5)
        XCTAssertNil(RunData.cotSteps(#"{"eval": {"cot": {"items": 5}}}"#))
        XCTAssertNil(RunData.cotSteps("not json"))
    }

    func testClaimsThatDoNotHoldAreSaidPlainly() throws {
        // Thinking changes nothing (gain 0) and longer thoughts do worse.
        let runs = Fixtures.thoughtLength(gains: [2: 0.02, 4: 0.0, 8: -0.02])
        let (dir, outcome) = try Fixtures.generate(runs, "negative")
        defer { Fixtures.cleanUp(dir) }
        XCTAssertEqual(verdict(outcome, "1"), .doesNotHold)
        XCTAssertEqual(verdict(outcome, "3"), .doesNotHold)
        let report = try String(contentsOfFile: outcome.reportPath, encoding: .utf8)
        XCTAssertTrue(report.contains("| 1 | GSM-style |"))
        XCTAssertTrue(report.contains("**does not hold**"))
        XCTAssertTrue(report.contains("; per seed (1 / 2 / 3): -2.0 / -2.0 / -2.0 pts |"), report)
    }

    /// Claim 7a compares r >= 2 with r = 1 without a reward baseline (the paper's ablation) when the
    /// ablations have that setting; r = 1 with the mean baseline (advantage 0) is the reference only
    /// without it.
    func testRationalesAreComparedWithTheNoBaselineSetting() throws {
        func runs(withNoBaseline: Bool) -> [Fixtures.RunSpec] {
            var out: [Fixtures.RunSpec] = []
            for seed in [1, 2, 3] {
                let j = 0.004 * Double(seed - 2)
                var settings: [([(String, String)], Int, Double)] = [([("rationales", "1")], 1, 0.50),
                                                                      ([("rationales", "2")], 2, 0.40),
                                                                      ([("rationales", "4")], 4, 0.42)]
                if withNoBaseline { settings.append(([("rationales", "1"), ("rewardBaseline", "none")], 1, 0.20)) }
                for (overrides, r, gsm) in settings {
                    out.append(Fixtures.RunSpec(experiment: "ablations", overrides: overrides, method: "quietSTaR",
                                                seed: seed, rationales: r, gsm: gsm + j, csqa: 0.4 + j))
                }
                if withNoBaseline {
                    out.append(Fixtures.RunSpec(experiment: "ablations", overrides: [("nTrue", "1")], method: "quietSTaR",
                                                seed: seed, nTrue: 1, gsm: 0.41 + j, csqa: 0.4 + j))
                }
            }
            return out
        }
        let (dir, outcome) = try Fixtures.generate(runs(withNoBaseline: true), "ablations-no-baseline")
        defer { Fixtures.cleanUp(dir) }
        XCTAssertEqual(verdict(outcome, "7a"), .holds)
        let claim = try XCTUnwrap(outcome.checks.first { $0.number == "7a" && $0.task == "GSM-style" })
        XCTAssertTrue(claim.ours.hasPrefix("2: 40.0% (3 seeds") && claim.ours.contains("vs 1 (no baseline): 20.0%"), claim.ours)
        XCTAssertFalse(claim.ours.contains("advantage 0"), claim.ours)
        let report = try String(contentsOfFile: outcome.reportPath, encoding: .utf8)
        XCTAssertTrue(report.contains("8 thought tokens (paper: 10), 4 ahead, r = 1, no reward baseline"), report)
        // The ablations figure: the rationale panel (with both r = 1 settings and the main one) and the reward.
        let results = try Results.load(from: dir.appendingPathComponent("results").path)
        let figure = try XCTUnwrap(PaperFigures(results: results).plan().figures.first { $0.name == "ablations" }?.figure as? LineFigure)
        XCTAssertEqual(figure.panels.map(\.title), ["Rationales r and the reward baseline", "Tokens scored ahead n_true",
                                                    "Mean REINFORCE reward (trailing moving average)"])
        XCTAssertEqual(figure.panels[1].series.map(\.name), ["main setting (r = 2, n_true = 4, policy weight 1)", "n_true = 1"])
        XCTAssertEqual(figure.panels[0].series.map(\.name), ["r = 1 (advantage 0: no policy gradient)", "r = 1, no reward baseline",
                                                            "main setting (r = 2, n_true = 4, policy weight 1)", "r = 4"])
        XCTAssertEqual(try XCTUnwrap(figure.panels[0].series[1].y.last), 20, accuracy: 0.5)
        XCTAssertTrue(outcome.rendered.contains { $0.png.lastPathComponent == "ablations.png" })

        let (dir2, outcome2) = try Fixtures.generate(runs(withNoBaseline: false), "ablations-advantage-0")
        defer { Fixtures.cleanUp(dir2) }
        XCTAssertEqual(verdict(outcome2, "7a"), .doesNotHold)
        let claim2 = try XCTUnwrap(outcome2.checks.first { $0.number == "7a" && $0.task == "GSM-style" })
        XCTAssertTrue(claim2.ours.contains("vs 1 (advantage 0): 50.0%"), claim2.ours)
    }

    func testCSQAClaimsComeFromTheCSQAExperimentWhenPresent() throws {
        // thought-length: CSQA-style gains 3 < 6 < 10 pts; csqa experiment: no gain at all.
        var runs = Fixtures.thoughtLength()
        for seed in [1, 2, 3] {
            let j = 0.004 * Double(seed - 2)
            runs.append(Fixtures.RunSpec(experiment: "csqa", overrides: [("method", "noThought")], method: "noThought",
                                         seed: seed, gsm: 0.1, csqa: 0.5 + j, start: (0.1, 0.5)))
            for t in [3, 7, 11] {
                runs.append(Fixtures.RunSpec(experiment: "csqa", overrides: [("thoughtLength", "\(t)"), ("method", "quietSTaR")],
                                             method: "quietSTaR", seed: seed, thoughtLength: t, gsm: 0.1, csqa: 0.5 - 0.01 * Double(t) + j,
                                             start: (0.1, 0.5)))
            }
        }
        let (dir, outcome) = try Fixtures.generate(runs, "csqa-experiment")
        defer { Fixtures.cleanUp(dir) }
        XCTAssertEqual(verdict(outcome, "1"), .holds)
        XCTAssertEqual(verdict(outcome, "2", "CSQA-style"), .doesNotHold)
        XCTAssertEqual(verdict(outcome, "3", "GSM-style"), .holds)
        XCTAssertEqual(verdict(outcome, "3", "CSQA-style"), .doesNotHold)
        let claim2 = outcome.checks.first { $0.number == "2" }!
        XCTAssertTrue(claim2.ours.contains("csqa)"), claim2.ours)

        // Figure 2's CSQA-style panel shows the csqa experiment too (t = 3, 7, 11; baseline at 50%),
        // the GSM-style one thought-length (t = 2, 4, 8; CSQA-style baseline at 36%).
        let results = try Results.load(from: dir.appendingPathComponent("results").path)
        let plan = PaperFigures(results: results).plan()
        for name in ["figure2-accuracy-vs-step", "figure2-accuracy-vs-compute", "per-difficulty"] {
            let figure = try XCTUnwrap(plan.figures.first { $0.name == name }?.figure as? LineFigure, name)
            XCTAssertEqual(figure.panels.map(\.title), ["GSM-style (synthetic GSM8K): thought-length",
                                                         "CSQA-style (synthetic CommonsenseQA): csqa"], name)
        }
        let step = plan.figures.first { $0.name == "figure2-accuracy-vs-step" }!.figure as! LineFigure
        let (gsmPanel, csqaPanel) = (step.panels[0], step.panels[1])
        XCTAssertTrue(csqaPanel.series.contains { $0.name.hasPrefix("11 thought tokens") }, "\(csqaPanel.series.map(\.name))")
        XCTAssertFalse(csqaPanel.series.contains { $0.name.hasPrefix("8 thought tokens") }, "\(csqaPanel.series.map(\.name))")
        XCTAssertTrue(gsmPanel.series.contains { $0.name.hasPrefix("8 thought tokens") }, "\(gsmPanel.series.map(\.name))")
        let baseline = try XCTUnwrap(csqaPanel.series.first { $0.name == "Baseline" })
        XCTAssertEqual(try XCTUnwrap(baseline.y.last), 50, accuracy: 1e-6)
        // Accuracy by difficulty: the baseline and every thought length, shortest first.
        let difficulty = plan.figures.first { $0.name == "per-difficulty" }!.figure as! LineFigure
        XCTAssertEqual(difficulty.panels[0].series.map { String($0.name.prefix(while: { $0 != "(" })) },
                       ["Baseline", "2 thought tokens ", "4 thought tokens ", "8 thought tokens "])
    }

    /// The head-start figure: thought-length and thought-length-long on GSM-style soft, csqa and
    /// csqa-long on CSQA-style soft, seed by seed, the headline Quiet-STaR setting (longest thought)
    /// solid and the baseline dashed, each series from its own run; named as missing without a
    /// `-long` experiment, and drawn with the panels that have runs.
    func testHeadStartFigureDrawsEachSeedOfEachExperiment() throws {
        var runs: [Fixtures.RunSpec] = []
        let experiments: [(name: String, steps: Int, lengths: [Int], baseline: Double)] = [
            ("thought-length", 21, [3, 11], 0.3), ("thought-length-long", 61, [11], 0.35),
            ("csqa", 21, [3, 11], 0.5), ("csqa-long", 41, [11], 0.75)]
        for seed in [1, 2, 3] {
            for e in experiments {
                let gsm = e.name.hasPrefix("thought-length")
                func value(_ v: Double) -> (gsm: Double, csqa: Double) { gsm ? (v, 0.05) : (0.05, v) }
                for t in e.lengths {
                    let v = value(0.8 + 0.01 * Double(seed) + 0.001 * Double(t))
                    var q = Fixtures.RunSpec(experiment: e.name, overrides: [("thoughtLength", "\(t)")], method: "quietSTaR",
                                             seed: seed, thoughtLength: t, gsm: v.gsm, csqa: v.csqa)
                    q.steps = e.steps
                    q.start = value(0.4)
                    runs.append(q)
                }
                let v = value(e.baseline + 0.01 * Double(seed))
                var b = Fixtures.RunSpec(experiment: e.name, overrides: [("method", "noThought")], method: "noThought", seed: seed,
                                         gsm: v.gsm, csqa: v.csqa)
                b.steps = e.steps
                b.start = value(0.4)
                runs.append(b)
            }
        }
        func figure(_ runs: [Fixtures.RunSpec], _ name: String) throws -> (LineFigure?, [String]) {
            let dir = Fixtures.directory(name)
            defer { Fixtures.cleanUp(dir) }
            try Fixtures.write(runs, to: dir.appendingPathComponent("results"))
            let plan = PaperFigures(results: try Results.load(from: dir.appendingPathComponent("results").path)).plan()
            return (plan.figures.first { $0.name == "head-start" }?.figure as? LineFigure, plan.missing)
        }
        let f = try XCTUnwrap(try figure(runs, "head-start").0)
        XCTAssertEqual(f.panels.map(\.title), ["thought-length: 20 continued-training steps", "thought-length-long: 60 continued-training steps",
                                               "csqa: 20 continued-training steps", "csqa-long: 40 continued-training steps"])
        XCTAssertEqual(f.panels.map(\.yLabel), ["GSM-style", "GSM-style", "CSQA-style", "CSQA-style"].map { "\($0) zero-shot accuracy (soft score, %)" })
        for (panel, e) in zip(f.panels, experiments) {
            XCTAssertEqual(panel.series.map(\.name), ["Quiet-STaR t = 11, seed 1", "Quiet-STaR t = 11, seed 2", "Quiet-STaR t = 11, seed 3",
                                                     "Baseline, seed 1", "Baseline, seed 2", "Baseline, seed 3"], e.name)
            XCTAssertEqual(panel.series.map(\.dashed), [false, false, false, true, true, true])
            for (i, seed) in [1, 2, 3].enumerated() {
                XCTAssertEqual(try XCTUnwrap(panel.series[i].y.last), 100 * (0.811 + 0.01 * Double(seed)), accuracy: 1e-9, e.name)
                XCTAssertEqual(try XCTUnwrap(panel.series[3 + i].y.last), 100 * (e.baseline + 0.01 * Double(seed)), accuracy: 1e-9, e.name)
                XCTAssertEqual(try XCTUnwrap(panel.series[i].y.first), 40, accuracy: 1e-9, e.name)
            }
        }
        let (without, missing) = try figure(runs.filter { !$0.experiment.hasSuffix("-long") }, "head-start-missing")
        XCTAssertNil(without)
        XCTAssertTrue(missing.contains { $0.hasPrefix("head-start: ") }, "\(missing)")
        let csqaOnly = try XCTUnwrap(try figure(runs.filter { $0.experiment.hasPrefix("csqa") }, "head-start-csqa").0)
        XCTAssertEqual(csqaOnly.panels.map(\.title), ["csqa: 20 continued-training steps", "csqa-long: 40 continued-training steps"])
        let longOnly = try XCTUnwrap(try figure(runs.filter { $0.experiment == "thought-length-long" }, "head-start-alone").0)
        XCTAssertEqual(longOnly.panels.map(\.title), ["thought-length-long: 60 continued-training steps"])
    }

    /// The CSQA-style rows of 5a, 7a and 7b read csqa-controls when it has the settings they need;
    /// the GSM-style rows keep reading controls and ablations. Within csqa-controls the Quiet-STaR
    /// setting of 5a is the one the ablations vary around (fewest overrides), not r = 1 or r = 4.
    func testCSQARowsOfControlsAndAblationsComeFromCSQAControls() throws {
        var runs: [Fixtures.RunSpec] = []
        for seed in [1, 2, 3] {
            let j = 0.004 * Double(seed - 2)
            func add(_ e: String, _ o: [(String, String)], _ method: String, r: Int = 2, n: Int = 4, gsm: Double, csqa: Double) {
                var spec = Fixtures.RunSpec(experiment: e, overrides: o, method: method, seed: seed, thoughtLength: 11, nTrue: n,
                                            rationales: r, gsm: gsm + j, csqa: csqa + j)
                spec.config = e == "csqa-controls" ? Fixtures.knowledgeBaseConfig : Fixtures.mathOnlyConfig
                runs.append(spec)
            }
            // GSM-style world: pause far below Quiet-STaR, r = 2 above r = 1 without a baseline.
            add("controls", [("method", "quietSTaR")], "quietSTaR", gsm: 0.60, csqa: 0.05)
            add("controls", [("method", "pause")], "pause", gsm: 0.30, csqa: 0.05)
            add("controls", [("method", "noThought")], "noThought", gsm: 0.30, csqa: 0.05)
            add("ablations", [("rationales", "2")], "quietSTaR", gsm: 0.60, csqa: 0.05)
            add("ablations", [("rationales", "1"), ("rewardBaseline", "none")], "quietSTaR", r: 1, gsm: 0.40, csqa: 0.05)
            add("ablations", [("nTrue", "1")], "quietSTaR", n: 1, gsm: 0.40, csqa: 0.05)
            // Knowledge-base world: pause as good as Quiet-STaR (5a does not hold), r = 1 without a
            // baseline ahead of r = 2 and 4 (7a does not hold), n_true = 1 behind 2 and 4 (7b holds).
            let q = [("method", "quietSTaR")]
            add("csqa-controls", q, "quietSTaR", gsm: 0.02, csqa: 0.80)
            add("csqa-controls", [("method", "pause")], "pause", gsm: 0.02, csqa: 0.80)
            add("csqa-controls", [("method", "noThought")], "noThought", gsm: 0.02, csqa: 0.50)
            add("csqa-controls", q + [("rationales", "4")], "quietSTaR", r: 4, gsm: 0.02, csqa: 0.85)
            add("csqa-controls", q + [("rationales", "1"), ("rewardBaseline", "none")], "quietSTaR", r: 1, gsm: 0.02, csqa: 0.95)
            add("csqa-controls", q + [("nTrue", "1")], "quietSTaR", n: 1, gsm: 0.02, csqa: 0.60)
            add("csqa-controls", q + [("nTrue", "2")], "quietSTaR", n: 2, gsm: 0.02, csqa: 0.70)
        }
        let (dir, outcome) = try Fixtures.generate(runs, "csqa-controls")
        defer { Fixtures.cleanUp(dir) }
        func row(_ number: String, _ task: String) throws -> ClaimCheck {
            try XCTUnwrap(outcome.checks.first { $0.number == number && $0.task == task }, "\(number) \(task)")
        }
        for (number, gsmExperiment) in [("5a", "controls"), ("7a", "ablations"), ("7b", "ablations")] {
            let gsm = try row(number, "GSM-style"), csqa = try row(number, "CSQA-style")
            XCTAssertEqual(gsm.experiment, gsmExperiment)
            XCTAssertEqual(gsm.verdict, .holds, number)
            XCTAssertEqual(csqa.experiment, "csqa-controls", number)
            XCTAssertFalse(csqa.reason.hasPrefix("not tested"), number)
            XCTAssertTrue(csqa.ours.hasSuffix("(csqa-controls)"), csqa.ours)
        }
        let pause = try row("5a", "CSQA-style"), r = try row("7a", "CSQA-style")
        XCTAssertEqual(pause.verdict, .doesNotHold)
        XCTAssertTrue(pause.ours.hasPrefix("pause 80.0% (3 seeds") && pause.ours.contains("Quiet-STaR 80.0% (3 seeds"), pause.ours)
        XCTAssertEqual(r.verdict, .doesNotHold)
        XCTAssertTrue(r.ours.contains("vs 1 (no baseline): 95.0%"), r.ours)
        XCTAssertEqual(try row("7b", "CSQA-style").verdict, .holds)
        XCTAssertEqual(try row("5b", "CSQA-style").experiment, "corpus")

        // Without csqa-controls the CSQA-style rows come from controls and ablations: not tested there.
        let (dir2, outcome2) = try Fixtures.generate(runs.filter { $0.experiment != "csqa-controls" }, "csqa-controls-absent")
        defer { Fixtures.cleanUp(dir2) }
        for number in ["5a", "7a", "7b"] {
            let c = try XCTUnwrap(outcome2.checks.first { $0.number == number && $0.task == "CSQA-style" })
            XCTAssertNotEqual(c.experiment, "csqa-controls")
            XCTAssertTrue(c.reason.hasPrefix("not tested"), c.reason)
        }
    }

    /// The CSQA-style row of 5b reads csqa-corpus when it has a Quiet-STaR setting on the generic
    /// corpus; the GSM-style row keeps reading corpus. The gains are over corpus-matched baselines.
    func testCSQARowOfCorpusComesFromCSQACorpus() throws {
        var runs: [Fixtures.RunSpec] = []
        for seed in [1, 2, 3] {
            let j = 0.004 * Double(seed - 2)
            func add(_ e: String, _ corpus: String, _ method: String, gsm: Double, csqa: Double) {
                var spec = Fixtures.RunSpec(experiment: e, overrides: [("corpus", corpus), ("method", method)], method: method,
                                            seed: seed, thoughtLength: 11, gsm: gsm + j, csqa: csqa + j)
                spec.config = e == "csqa-corpus" ? Fixtures.knowledgeBaseConfig : Fixtures.mathOnlyConfig
                runs.append(spec)
            }
            // GSM-style world: the reasoning corpus gains 30 points, the generic one nothing (5b holds).
            add("corpus", "reasoning", "quietSTaR", gsm: 0.60, csqa: 0.05)
            add("corpus", "reasoning", "noThought", gsm: 0.30, csqa: 0.05)
            add("corpus", "generic", "quietSTaR", gsm: 0.30, csqa: 0.05)
            add("corpus", "generic", "noThought", gsm: 0.30, csqa: 0.05)
            // Knowledge-base world: the generic corpus gains more (+40 against +10 points: 5b does
            // not hold), although its Quiet-STaR accuracy is the lower one.
            add("csqa-corpus", "reasoning", "quietSTaR", gsm: 0.02, csqa: 0.90)
            add("csqa-corpus", "reasoning", "noThought", gsm: 0.02, csqa: 0.80)
            add("csqa-corpus", "generic", "quietSTaR", gsm: 0.02, csqa: 0.70)
            add("csqa-corpus", "generic", "noThought", gsm: 0.02, csqa: 0.30)
        }
        func row(_ outcome: ReportGenerator.Outcome, _ task: String) throws -> ClaimCheck {
            try XCTUnwrap(outcome.checks.first { $0.number == "5b" && $0.task == task }, task)
        }
        let (dir, outcome) = try Fixtures.generate(runs, "csqa-corpus")
        defer { Fixtures.cleanUp(dir) }
        let gsm = try row(outcome, "GSM-style"), csqa = try row(outcome, "CSQA-style")
        XCTAssertEqual(gsm.experiment, "corpus")
        XCTAssertEqual(gsm.verdict, .holds)
        XCTAssertFalse(gsm.ours.hasSuffix(")"), gsm.ours)
        XCTAssertEqual(csqa.experiment, "csqa-corpus")
        XCTAssertEqual(csqa.verdict, .doesNotHold)
        XCTAssertTrue(csqa.ours.hasPrefix("reasoning 90.0% (3 seeds") && csqa.ours.contains("generic 70.0% (3 seeds"), csqa.ours)
        XCTAssertTrue(csqa.ours.contains("gains over matched baselines +10.0 vs +40.0 pts"), csqa.ours)
        XCTAssertTrue(csqa.ours.hasSuffix("(csqa-corpus)"), csqa.ours)

        // Without csqa-corpus the CSQA-style row comes from corpus: not tested there.
        let (dir2, outcome2) = try Fixtures.generate(runs.filter { $0.experiment != "csqa-corpus" }, "csqa-corpus-absent")
        defer { Fixtures.cleanUp(dir2) }
        let untested = try row(outcome2, "CSQA-style")
        XCTAssertEqual(untested.experiment, "corpus")
        XCTAssertTrue(untested.reason.hasPrefix("not tested"), untested.reason)
    }

    func testCSQAClaimsAreNotTestedOnModelsPretrainedWithoutTheWorld() throws {
        let runs = Fixtures.thoughtLength().map { r -> Fixtures.RunSpec in var r = r; r.config = Fixtures.mathOnlyConfig; return r }
        let (dir, outcome) = try Fixtures.generate(runs, "csqa-untested")
        defer { Fixtures.cleanUp(dir) }
        XCTAssertEqual(verdict(outcome, "1"), .holds)
        XCTAssertEqual(verdict(outcome, "3"), .holds)
        for number in ["2", "3"] {
            let c = outcome.checks.first { $0.number == number && $0.task == "CSQA-style" }!
            XCTAssertEqual(c.verdict, .inconclusive)
            XCTAssertTrue(c.reason.hasPrefix("not tested"), c.reason)
        }
        // With knowledge-base text in the base corpus the same numbers are judged.
        let withKB = #"{"data": {"corpus": {"base": {"gsmWorked": 0.4, "kbFact": 0.1}}}}"#
        let runs2 = Fixtures.thoughtLength().map { r -> Fixtures.RunSpec in var r = r; r.config = withKB; return r }
        let (dir2, outcome2) = try Fixtures.generate(runs2, "csqa-tested")
        defer { Fixtures.cleanUp(dir2) }
        XCTAssertEqual(verdict(outcome2, "2", "CSQA-style"), .holds)
    }

    /// The saved tables beside the runs (`base-checks.md`, `thought-content.md`) appear under their
    /// sections; a missing kind is said to be missing.
    func testSavedTablesAreIncluded() throws {
        let dir = Fixtures.directory("saved-tables")
        defer { Fixtures.cleanUp(dir) }
        let results = dir.appendingPathComponent("results")
        try Fixtures.write(Fixtures.thoughtLength(), to: results)
        let generator = ReportGenerator(resultsDirectory: results.path,
                                        figuresDirectory: dir.appendingPathComponent("paper-figures").path)
        func report() throws -> String { try String(contentsOfFile: try generator.run().reportPath, encoding: .utf8) }
        func section(_ report: String, _ title: String) throws -> Substring {
            let start = try XCTUnwrap(report.range(of: "## \(title)\n"), title).upperBound
            let rest = report[start...]
            return rest[..<(rest.range(of: "\n## ")?.lowerBound ?? rest.endIndex)]
        }
        let checks = "| base model | set |\n|---|---|\n| 0123 | csqa-hop3 |"
        try checks.write(to: results.appendingPathComponent("thought-length/base-checks.md"), atomically: true, encoding: .utf8)
        var text = try report()
        XCTAssertTrue(try section(text, "Base-model checks").contains("### thought-length\n\n" + checks), text)
        XCTAssertTrue(try section(text, "Thought content").contains("_No thought-content tables"), text)

        let content = "| run | seed | task | own thought |\n|---|---|---|---|\n| `thoughtLength=8_seed=1` | 1 | GSM-style | 16.0% |"
        try content.write(to: results.appendingPathComponent("thought-length/thought-content.md"), atomically: true, encoding: .utf8)
        text = try report()
        XCTAssertTrue(try section(text, "Thought content").contains("### thought-length\n\n" + content), text)
        XCTAssertFalse(text.contains("_No thought-content tables"), text)
        XCTAssertTrue(try section(text, "Base-model checks").contains("### thought-length\n\n" + checks), text)
    }

    func testSingleSeedIsInconclusive() throws {
        let (dir, outcome) = try Fixtures.generate(Fixtures.thoughtLength(seeds: [1]), "single-seed")
        defer { Fixtures.cleanUp(dir) }
        XCTAssertEqual(verdict(outcome, "1"), .inconclusive)
        XCTAssertEqual(verdict(outcome, "3"), .inconclusive)
    }

    func testNotesSurviveRegeneration() throws {
        let (dir, outcome) = try Fixtures.generate(Fixtures.thoughtLength(seeds: [1, 2]), "notes")
        defer { Fixtures.cleanUp(dir) }
        var text = try String(contentsOfFile: outcome.reportPath, encoding: .utf8)
        let notes = "Seed 2 of t = 8 ran on a busy machine.\n\n| a | b |\n\nSee also <!-- other --> here."
        let start = try XCTUnwrap(text.range(of: ReportDocument.notesStart))
        let end = try XCTUnwrap(text.range(of: ReportDocument.notesEnd))
        text.replaceSubrange(start.upperBound..<end.lowerBound, with: "\n" + notes + "\n")
        try text.write(toFile: outcome.reportPath, atomically: true, encoding: .utf8)

        let again = try ReportGenerator(resultsDirectory: dir.appendingPathComponent("results").path,
                                        figuresDirectory: dir.appendingPathComponent("paper-figures").path).run()
        let regenerated = try String(contentsOfFile: again.reportPath, encoding: .utf8)
        XCTAssertEqual(ReportDocument.extractNotes(from: regenerated), notes)
        XCTAssertEqual(regenerated.components(separatedBy: ReportDocument.notesStart).count, 2)
    }

    func testEmptyResultsReportEverythingMissing() throws {
        let dir = Fixtures.directory("empty")
        defer { Fixtures.cleanUp(dir) }
        let outcome = try ReportGenerator(resultsDirectory: dir.appendingPathComponent("results").path,
                                          figuresDirectory: dir.appendingPathComponent("figs").path).run()
        XCTAssertTrue(outcome.rendered.isEmpty)
        XCTAssertEqual(outcome.missingFigures.count, 10)
        XCTAssertTrue(outcome.checks.allSatisfy { $0.verdict == .inconclusive })
        let report = try String(contentsOfFile: outcome.reportPath, encoding: .utf8)
        XCTAssertTrue(report.contains("Experiments without complete runs: `thought-length`, `corpus`, `controls`, `ablations`, `cot`, `csqa`."))
        XCTAssertTrue(report.contains("Claim 1 (GSM-style) has no data"))
    }

    func testDifficultyColumnsAreDiscoveredByPattern() {
        XCTAssertEqual(PaperFigures.difficultyUnit("gsm_k3_soft", task: "gsm")?.level, 3)
        XCTAssertEqual(PaperFigures.difficultyUnit("csqa_hop2_soft", task: "csqa")?.name, "hop")
        XCTAssertNil(PaperFigures.difficultyUnit("csqa_hop2_train_soft", task: "csqa"))
        XCTAssertNil(PaperFigures.difficultyUnit("gsm_soft", task: "gsm"))
        XCTAssertNil(PaperFigures.difficultyUnit("gsm_k3_exact", task: "gsm"))
    }
}
