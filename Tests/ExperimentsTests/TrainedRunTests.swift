import Foundation
import HDF5Log
import NN
import QuietSTaR
import TensorCore
import XCTest
@testable import Experiments

/// Loading a trained run back: by path, by id, by experiment/id; clear errors; save + reload is
/// bit-identical; the reloaded model reproduces the run's logged evaluation.
final class TrainedRunTests: XCTestCase {
    /// A worked GSM-style problem in the text form, its newline typed as the two characters `\n` (as in a shell).
    static let problem = "Q: bob has 3 . ann has 2 more than bob . how many does ann have ?\\nA: steps: ann = 5 . 5"

    var scratch = ""
    override func setUpWithError() throws {
        scratch = NSTemporaryDirectory() + "qs-load-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: scratch) }

    func logits(_ model: QuietSTaRModel, _ tokens: [Int]) -> ThinkingOutput {
        var rng = RNG(seed: 7)
        return model.predictWithThoughts(tokens: tokens, batch: 1, length: tokens.count, decoding: .sampled, using: &rng)
    }

    func testEveryWayOfNamingTheRunLoadsTheSameModel() throws {
        let (results, id) = TrainedRunFixture.trained
        let dir = TrainedRunFixture.directory
        let refs = [id, "\(TrainedRunFixture.name)/\(id)", "\(dir)/\(id).ckpt", "\(dir)/\(id).h5", "\(dir)/\(id).json"]
        let runs = try refs.map { try TrainedRun.load($0, results: results) }
        let tokens = try runs[0].encode("Q: bob has 3 . ann has 2 more than bob .")
        let reference = logits(runs[0].model, tokens)
        for r in runs {
            XCTAssertEqual(r.id, id)
            XCTAssertEqual(r.name, "\(TrainedRunFixture.name)/\(id)")
            XCTAssertEqual(logits(r.model, tokens).mixedLogits, reference.mixedLogits)
        }
        XCTAssertEqual(runs[0].experiment.quietstar.thoughtLength, 3)
        XCTAssertEqual(runs[0].experiment.eval.cot.items, 4)
    }

    /// `withBaseModel` (`sweep generate --base`) finds the base model the sweep cached for the run
    /// (the key from the saved configuration is the sweep's), loads its weights, not the trained
    /// ones, and predicts without thoughts; without the cache it says how to make the base model.
    func testBaseModelOfARunIsTheCachedOneWithoutThoughts() throws {
        let (results, id) = TrainedRunFixture.trained
        let run = try TrainedRun.load(id, results: results)
        let spec = try XCTUnwrap(try SweepPlan.load(file: results + "/inspect.json").runs.first { $0.id == id })
        XCTAssertEqual(run.baseKey, spec.baseKey)
        XCTAssertEqual(URL(fileURLWithPath: run.baseCheckpointPath).standardizedFileURL.path,
                       URL(fileURLWithPath: BaseModel.checkpointPath(for: spec, cache: results + "/.cache")).standardizedFileURL.path)
        let base = try run.withBaseModel()
        XCTAssertEqual(base.model.config.method, .noThought)
        XCTAssertEqual(run.model.config.method, .quietSTaR)
        let cached = try BaseModel.load(run.baseCheckpointPath, experiment: run.experiment)
        let names = base.model.gpt.namedParameters.map(\.0)
        XCTAssertEqual(names, cached.namedParameters.map(\.0))
        XCTAssertEqual(base.model.gpt.namedParameters.map(\.1.data), cached.namedParameters.map(\.1.data))
        XCTAssertNotEqual(base.model.gpt.namedParameters.map(\.1.data), run.model.gpt.namedParameters.map(\.1.data),
                          "continued training changed no weight")
        // No thoughts: the prediction after the prompt is the base GPT's own.
        let tokens = try run.encode("Q: bob has 3 . ann has 2 more than bob .")
        var rng = RNG(seed: 3)
        let mixed = base.model.predictLastWithThoughts(prompts: [tokens], decoding: .sampled, using: &rng).mixedLogits
        let plain = cached.forward(tokens: tokens, batch: 1, length: tokens.count)
        let v = cached.config.vocab
        XCTAssertEqual(mixed, Array(plain.logits.data[((tokens.count - 1) * v)..<(tokens.count * v)]))

        // A copy of the run in a results folder without the cache.
        let copy = scratch + "/" + TrainedRunFixture.name
        try FileManager.default.createDirectory(atPath: copy, withIntermediateDirectories: true)
        for ext in ["ckpt", "json", "h5"] {
            try FileManager.default.copyItem(atPath: "\(TrainedRunFixture.directory)/\(id).\(ext)", toPath: "\(copy)/\(id).\(ext)")
        }
        let moved = try TrainedRun.load("\(copy)/\(id).ckpt")
        XCTAssertEqual(moved.baseKey, run.baseKey)
        XCTAssertThrowsError(try moved.withBaseModel()) { e in
            let m = "\(e)"
            XCTAssertTrue(m.contains("has no base model \(scratch)/.cache/base-\(run.baseKey)/model.ckpt") && m.contains("--only \(id)"), m)
        }
    }

    func testSavedAndReloadedModelGivesBitIdenticalLogits() throws {
        let (results, id) = TrainedRunFixture.trained
        let a = try TrainedRun.load(id, results: results)
        // Make the mixing head matter, so the test also covers the thought side of the mix.
        a.model.mixingHead.layers.last!.bias!.data = [0.4]
        let copy = scratch + "/copy"
        try FileManager.default.createDirectory(atPath: copy, withIntermediateDirectories: true)
        try Checkpoint.save(a.model.namedParameters, to: "\(copy)/again.ckpt")
        try FileManager.default.copyItem(atPath: a.configPath, toPath: "\(copy)/again.json")
        let b = try TrainedRun.load("\(copy)/again.ckpt", results: results)
        for ((na, ta), (nb, tb)) in zip(a.model.namedParameters, b.model.namedParameters) {
            XCTAssertEqual(na, nb)
            XCTAssertEqual(ta.data, tb.data, na)
        }
        let tokens = try a.encode(TrainedRunTests.problem)
        let (la, lb) = (logits(a.model, tokens), logits(b.model, tokens))
        XCTAssertEqual(la.mixedLogits, lb.mixedLogits)
        XCTAssertEqual(la.baseLogits, lb.baseLogits)
        XCTAssertEqual(la.thoughts, lb.thoughts)
        XCTAssertEqual(la.thoughtWeight, lb.thoughtWeight)
        // The comparison can fail: the original run's head differs.
        let original = try TrainedRun.load(id, results: results)
        XCTAssertNotEqual(logits(original.model, tokens).mixedLogits, la.mixedLogits)
    }

    /// With the run's own items per set, the reloaded model reproduces the last /eval row of the
    /// log exactly (the same model, items and seeds).
    func testReevaluationReproducesTheLoggedFinalEvaluation() throws {
        let (results, id) = TrainedRunFixture.trained
        let run = try TrainedRun.load(id, results: results)
        let e = try SavedRunEvaluation.evaluate(run)
        let log = try RunLog.read(from: run.logPath)
        let eval = try XCTUnwrap(log.groups["eval"])
        func last(_ c: String) -> Double? { if case .double(let v) = eval[c] { return v.last }; return nil }
        XCTAssertEqual(last("gsm_soft"), e.withThoughts.gsmSoft)
        XCTAssertEqual(last("csqa_exact"), e.withThoughts.csqaExact)
        for s in e.withThoughts.sets { XCTAssertEqual(last("\(s.column)_soft"), s.soft, s.name) }
        XCTAssertEqual(e.withoutThoughts.sets.map(\.name), e.withThoughts.sets.map(\.name))
        XCTAssertTrue(e.withoutThoughts.sets.allSatisfy { $0.soft > 0 && $0.soft < 1 })
        let table = e.table()
        for s in ["gsm-k1", "csqa-hop1", "gsm (mean)", "soft", "exact"] { XCTAssertTrue(table.contains(s), s) }

        let fewer = try SavedRunEvaluation.evaluate(run, items: 5)
        XCTAssertEqual(fewer.itemsPerSet, 5)
        XCTAssertThrowsError(try SavedRunEvaluation.evaluate(run, items: 0))
    }

    /// A saved config reads back as the experiment that wrote it, also where an optional field was
    /// null (not written) and its experiment-file default is not (`endMarkerScale`: 10).
    func testSavedConfigsReadBackAsTheExperimentThatWroteThem() throws {
        XCTAssertEqual(Experiment.defaultQuietSTaR.endMarkerScale, 10, "the default this test is about")
        let plan = try SweepPlan.parse(text: #"""
            {"name": "saved", "base": {"quietstar": {"endMarkerScale": null}},
             "extra": [{"quietstar.markerScale": 100}, {"quietstar.endMarkerScale": 5},
                       {"quietstar.rewardBaseline": "none", "quietstar.mixingHeadWidth": 8}, {"quietstar.endMarkerScale": 10}]}
            """#, file: "saved.json")
        XCTAssertEqual(plan.runs.map(\.experiment.quietstar.endMarkerScale), [nil, nil, 5, nil, 10])
        for run in plan.runs {
            let read = try TrainedRun.resolvedExperiment(run.resolved.pretty(), file: "\(run.id).json")
            XCTAssertEqual(ExperimentSchema.encode(read), run.resolved, run.id)
            XCTAssertEqual(read.quietstar.endMarkerScale, run.experiment.quietstar.endMarkerScale, run.id)
            XCTAssertEqual(read.quietstar.effectiveEndMarkerScale, run.experiment.quietstar.effectiveEndMarkerScale, run.id)
        }
    }

    func message(_ body: () throws -> Void) -> String {
        do { try body(); XCTFail("no error"); return "" } catch { return "\(error)" }
    }

    func testUnknownAmbiguousAndUnreadableRunsGiveClearErrors() throws {
        let (results, id) = TrainedRunFixture.trained
        // Unknown id: close matches listed.
        let typo = String(id.dropLast()) + "9"
        var m = message { _ = try TrainedRun.load(typo, results: results) }
        XCTAssertTrue(m.contains("no run with id \(typo)"), m)
        XCTAssertTrue(m.contains("close matches: \(TrainedRunFixture.name)/\(id)"), m)
        m = message { _ = try TrainedRun.load("x/\(id)", results: results) }
        XCTAssertTrue(m.contains("no run x/\(id)") && m.contains(id), m)
        m = message { _ = try TrainedRun.load(id, results: scratch + "/nowhere") }
        XCTAssertTrue(m.contains("results folder \(scratch)/nowhere does not exist"), m)
        m = message { _ = try TrainedRun.load(scratch + "/none.ckpt", results: results) }
        XCTAssertTrue(m.contains("no such file: \(scratch)/none.ckpt"), m)

        // Only names that are close are offered; otherwise a few names and where to list them.
        let names = ["thought-length/thoughtLength=11_seed=1", "controls/method=pause_seed=1"]
        XCTAssertEqual(TrainedRun.suggestions("thought-length/method=quietSTaR_thoughtLength=11_seed=1", names),
                       "; close matches: thought-length/thoughtLength=11_seed=1")
        let none = TrainedRun.suggestions("nosuchrun", names)
        XCTAssertTrue(none.hasPrefix("; no close match among its 2 runs (e.g. thought-length/thoughtLength=11_seed=1, "), none)
        XCTAssertTrue(none.contains("--dry-run"), none)
        XCTAssertEqual(TrainedRun.suggestions("x", []), "; it holds no runs")

        // Ambiguous id: the same id in two experiments.
        let other = scratch + "/results"
        for exp in ["a", "b"] {
            try FileManager.default.createDirectory(atPath: "\(other)/\(exp)", withIntermediateDirectories: true)
            for ext in ["ckpt", "json"] {
                try FileManager.default.copyItem(atPath: "\(TrainedRunFixture.directory)/\(id).\(ext)",
                                                 toPath: "\(other)/\(exp)/\(id).\(ext)")
            }
        }
        m = message { _ = try TrainedRun.load(id, results: other) }
        XCTAssertTrue(m.contains("ambiguous") && m.contains("a/\(id)") && m.contains("b/\(id)"), m)
        XCTAssertNoThrow(try TrainedRun.load("b/\(id)", results: other))
        // Without the .json the log's config attribute serves.
        try FileManager.default.createDirectory(atPath: "\(other)/c", withIntermediateDirectories: true)
        for ext in ["ckpt", "h5"] {
            try FileManager.default.copyItem(atPath: "\(TrainedRunFixture.directory)/\(id).\(ext)", toPath: "\(other)/c/\(id).\(ext)")
        }
        XCTAssertEqual(try TrainedRun.load("c/\(id)", results: other).experiment, try TrainedRun.load(id, results: results).experiment)

        // Unreadable checkpoint; missing checkpoint.
        try Data("not a checkpoint".utf8).write(to: URL(fileURLWithPath: "\(other)/a/\(id).ckpt"))
        m = message { _ = try TrainedRun.load("a/\(id)", results: other) }
        XCTAssertTrue(m.contains("checkpoint \(other)/a/\(id).ckpt"), m)
        try FileManager.default.removeItem(atPath: "\(other)/a/\(id).ckpt")
        m = message { _ = try TrainedRun.load("a/\(id)", results: other) }
        XCTAssertTrue(m.contains("has no checkpoint") && m.contains("only complete runs"), m)
        XCTAssertFalse(m.contains("--only"), "a run that never finished is not offered a rerun: \(m)")
        // A complete log without its checkpoint (a fresh clone): how to train that run again.
        try FileManager.default.copyItem(atPath: "\(TrainedRunFixture.directory)/\(id).h5", toPath: "\(other)/a/\(id).h5")
        m = message { _ = try TrainedRun.load("a/\(id)", results: other) }
        XCTAssertTrue(m.contains("status: complete")
                        && m.contains("sweep <the experiment file named \"a\"> --only \(id) --results <folder>"),
                      "a complete run without its checkpoint says how to train it again: \(m)")
        // The experiment file is found by its name, whatever the file is called.
        let folder = "\(other)/experiments"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data(#"{"name": "b"}"#.utf8).write(to: URL(fileURLWithPath: "\(folder)/a.json"))
        XCTAssertNil(TrainedRun.experimentFile(named: "a", in: folder), "a.json is named b")
        try Data(#"{"name": "a", "seeds": [1]}"#.utf8).write(to: URL(fileURLWithPath: "\(folder)/my-sweep.json"))
        XCTAssertEqual(TrainedRun.experimentFile(named: "a", in: folder), "\(folder)/my-sweep.json")
        XCTAssertEqual(TrainedRun.experimentFile(named: "b", in: folder), "\(folder)/a.json")
        XCTAssertEqual(TrainedRun.experimentFile(named: "thought-length"), "experiments/thought-length.json")
        // Files in subfolders share their originals' names: the one that has the run is named.
        try FileManager.default.createDirectory(atPath: "\(folder)/other-seeds", withIntermediateDirectories: true)
        try Data(#"{"name": "a", "seeds": [7]}"#.utf8).write(to: URL(fileURLWithPath: "\(folder)/other-seeds/my-sweep.json"))
        XCTAssertEqual(TrainedRun.experimentFile(named: "a", in: folder), "\(folder)/my-sweep.json")
        XCTAssertEqual(TrainedRun.experimentFile(named: "a", in: folder, run: "seed=1"), "\(folder)/my-sweep.json")
        XCTAssertEqual(TrainedRun.experimentFile(named: "a", in: folder, run: "seed=7"), "\(folder)/other-seeds/my-sweep.json")
        XCTAssertEqual(TrainedRun.experimentFile(named: "a", in: folder, run: "seed=9"), "\(folder)/my-sweep.json")
        XCTAssertEqual(TrainedRun.experimentFile(named: "thought-length", run: "thoughtLength=11_seed=7"),
                       "experiments/replication/thought-length.json")

        // Words outside the vocabulary.
        let run = try TrainedRun.load(id, results: results)
        m = message { _ = try run.encode("Q: bob hass 3 .") }
        XCTAssertTrue(m.contains("\"hass\"") && m.contains("word 3") && m.contains("closest: has"), m)
    }
}
