import XCTest
@testable import Report

/// Claim 5b's rule in the experiments the claims table does not read: within an experiment that
/// trains on both corpora, or against the reasoning runs of a twin experiment.
final class CorpusAnalysesTests: XCTestCase {
    /// A resolved experiment as the sweep saves it, with the fields the twin test compares.
    static func config(name: String, corpus: String, steps: Int, method: String, world: String = "gsm",
                       thoughtLength: Int = 11, packing: String = "unpacked") -> String {
        let base = world == "gsm" ? #"{"gsmWorked": 0.4, "gsmDirect": 0.3, "kbFact": 0}"# : #"{"gsmWorked": 0, "kbFact": 0.2, "kbWorked": 0.4}"#
        return #"{"name": "\#(name)", "data": {"corpus": {"base": \#(base), "packing": "\#(packing)"}}, "#
            + #""train": {"corpus": "\#(corpus)", "steps": \#(steps), "lr": 0.001}, "eval": {"every": \#(steps / 4), "sets": ["a", "b"]}, "#
            + #""quietstar": {"method": "\#(method)", "thoughtLength": \#(thoughtLength), "endMarkerScale": null}}"#
    }

    /// Runs of one experiment: per seed a Quiet-STaR and a baseline run on `corpus`, with final
    /// accuracies `q` and `b` (+ a small seed offset) in the world's column. `swept`: the corpus is
    /// a run-id override, as in corpus.json; else it is only in the config, as in corpus-tokens.json.
    static func runs(_ experiment: String, corpus: String, steps: Int, q: Double, b: Double, swept: Bool,
                     world: String = "gsm", thoughtLength: Int = 11, packing: String = "unpacked") -> [Fixtures.RunSpec] {
        var out: [Fixtures.RunSpec] = []
        for seed in [1, 2, 3] {
            let j = 0.004 * Double(seed - 2)
            for (method, value) in [("quietSTaR", q), ("noThought", b)] {
                let overrides = (swept ? [("corpus", corpus)] : []) + [("method", method)]
                var spec = Fixtures.RunSpec(experiment: experiment, overrides: overrides, method: method, seed: seed,
                                            thoughtLength: thoughtLength,
                                            gsm: world == "gsm" ? value + j : 0.02, csqa: world == "gsm" ? 0.02 : value + j)
                spec.config = config(name: experiment, corpus: corpus, steps: steps, method: method, world: world,
                                     thoughtLength: thoughtLength, packing: packing)
                out.append(spec)
            }
        }
        return out
    }

    func testGenericOnlyExperimentIsComparedWithItsTwinsReasoningRuns() throws {
        // corpus (claims table): reasoning +30, generic +0. thought-length repeats corpus's reasoning
        // runs but has no generic corpus; corpus-tokens trains the generic corpus longer (+5).
        // other-t has reasoning runs with another thought length: not a twin.
        let runs = Self.runs("corpus", corpus: "reasoning", steps: 400, q: 0.60, b: 0.30, swept: true)
            + Self.runs("corpus", corpus: "generic", steps: 400, q: 0.30, b: 0.30, swept: true)
            + Self.runs("thought-length", corpus: "reasoning", steps: 400, q: 0.50, b: 0.30, swept: false)
            + Self.runs("corpus-tokens", corpus: "generic", steps: 742, q: 0.40, b: 0.35, swept: false)
        let (dir, outcome) = try Fixtures.generate(runs, "corpus-analyses-twin")
        defer { Fixtures.cleanUp(dir) }
        // The claims table reads corpus, so corpus has no analysis row; thought-length has no generic setting.
        XCTAssertEqual(outcome.corpusAnalyses.map(\.experiment), ["corpus-tokens"])
        let row = try XCTUnwrap(outcome.corpusAnalyses.first)
        XCTAssertEqual(row.task, "GSM-style")
        XCTAssertEqual(row.reasoningFrom, "corpus", "the twin that compares both corpora is preferred")
        // G = (60 - 30) - (40 - 35) = +25 points, S = 0.8 points.
        XCTAssertEqual(row.verdict, .holds)
        XCTAssertTrue(row.reason.contains("gain +25.0 pts"), row.reason)
        XCTAssertTrue(row.reasoning.hasPrefix("60.0% (3 seeds") && row.reasoning.hasSuffix("gain +30.0 pts over its baseline"), row.reasoning)
        XCTAssertTrue(row.generic.hasPrefix("40.0% (3 seeds") && row.generic.hasSuffix("gain +5.0 pts over its baseline"), row.generic)
        XCTAssertEqual(row.perSeed, "difference of gains per seed (1 / 2 / 3): +25.0 / +25.0 / +25.0 pts")
        let report = try String(contentsOfFile: outcome.reportPath, encoding: .utf8)
        XCTAssertTrue(report.contains("### Claim 5b in other experiments (analyses)"), report)
        XCTAssertTrue(report.contains("| corpus-tokens | GSM-style | corpus | 60.0% (3 seeds"), report)
        XCTAssertTrue(report.contains("| **would hold** | reasoning - generic gain: gain +25.0 pts"), report)

        // Without corpus, thought-length's reasoning runs are the twin (the same numbers here but
        // for the reasoning Quiet-STaR accuracy, 50%).
        let (dir2, outcome2) = try Fixtures.generate(runs.filter { $0.experiment != "corpus" }, "corpus-analyses-twin-fallback")
        defer { Fixtures.cleanUp(dir2) }
        let fallback = try XCTUnwrap(outcome2.corpusAnalyses.first { $0.experiment == "corpus-tokens" })
        XCTAssertEqual(fallback.reasoningFrom, "thought-length")
        XCTAssertTrue(fallback.reason.contains("gain +15.0 pts"), fallback.reason)
    }

    func testRunsThatDifferInMoreThanCorpusAndLengthAreNoTwins() throws {
        // Reasoning runs with another thought length, or packed, are not the generic runs' twins.
        for (name, reasoning) in [
            ("thought", Self.runs("thought-length", corpus: "reasoning", steps: 400, q: 0.60, b: 0.30, swept: false, thoughtLength: 7)),
            ("packing", Self.runs("thought-length", corpus: "reasoning", steps: 400, q: 0.60, b: 0.30, swept: false, packing: "packed")),
        ] {
            let runs = reasoning + Self.runs("corpus-tokens", corpus: "generic", steps: 742, q: 0.40, b: 0.35, swept: false)
            let (dir, outcome) = try Fixtures.generate(runs, "corpus-analyses-no-twin-\(name)")
            defer { Fixtures.cleanUp(dir) }
            let row = try XCTUnwrap(outcome.corpusAnalyses.first, name)
            XCTAssertEqual(row.reasoningFrom, "none", name)
            XCTAssertEqual(row.verdict, .inconclusive, name)
            XCTAssertEqual(row.reasoning, "no data", name)
        }
    }

    func testExperimentWithBothCorporaIsJudgedOnItsOwnRunsInItsWorld() throws {
        // corpus-packed in the GSM-style world: both corpora gain about the same (would not hold:
        // G = -20). csqa-other in the knowledge-base world: a CSQA-style row only.
        let runs = Self.runs("corpus-packed", corpus: "reasoning", steps: 400, q: 0.40, b: 0.30, swept: true)
            + Self.runs("corpus-packed", corpus: "generic", steps: 400, q: 0.60, b: 0.30, swept: true)
            + Self.runs("csqa-other", corpus: "reasoning", steps: 200, q: 0.90, b: 0.50, swept: true, world: "kb")
            + Self.runs("csqa-other", corpus: "generic", steps: 200, q: 0.70, b: 0.50, swept: true, world: "kb")
        let (dir, outcome) = try Fixtures.generate(runs, "corpus-analyses-own")
        defer { Fixtures.cleanUp(dir) }
        XCTAssertEqual(outcome.corpusAnalyses.map { "\($0.experiment) \($0.task) \($0.reasoningFrom)" },
                       ["corpus-packed GSM-style corpus-packed", "csqa-other CSQA-style csqa-other"])
        XCTAssertEqual(outcome.corpusAnalyses[0].verdict, .doesNotHold)
        XCTAssertTrue(outcome.corpusAnalyses[0].reason.contains("gain -20.0 pts"), outcome.corpusAnalyses[0].reason)
        XCTAssertEqual(outcome.corpusAnalyses[1].verdict, .holds)
        XCTAssertTrue(outcome.corpusAnalyses[1].reason.contains("gain +20.0 pts"), outcome.corpusAnalyses[1].reason)
        let report = try String(contentsOfFile: outcome.reportPath, encoding: .utf8)
        XCTAssertTrue(report.contains("| **would not hold** |"), report)
    }

    func testConfigLeavesFlattenNestedObjects() {
        let leaves = RunData.configLeaves(#"{"a": {"b": 1, "c": {"d": "x"}}, "e": [1, 2], "f": null, "g": true}"#)
        XCTAssertEqual(leaves, ["a.b": "[1]", "a.c.d": #"["x"]"#, "e": "[[1,2]]", "f": "[null]", "g": "[true]"])
        XCTAssertEqual(RunData.configLeaves("not json"), [:])
        XCTAssertEqual(RunData.configLeaves("[1]"), [:])
    }
}
