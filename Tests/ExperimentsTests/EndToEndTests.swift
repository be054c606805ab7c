import HDF5Log
import XCTest
@testable import Experiments

/// Tiny sweeps run end to end in a temporary results folder (width 16, 20 pretraining steps,
/// 4 training steps, 20 evaluation items per set).
final class EndToEndTests: XCTestCase {
    static func sweepText(name: String, sweep: String) -> String {
        """
        {"name": "\(name)",
         "base": {"model": {"layers": 1, "width": 16, "heads": 2},
                  "pretrain": {"steps": 20, "factSteps": 4, "batch": 8, "warmup": 2},
                  "quietstar": {"thoughtLength": 3, "rationales": 2, "nTrue": 2},
                  "train": {"steps": 4, "batch": 4, "warmup": 1},
                  "eval": {"every": 2, "itemsPerSet": 20, "batch": 20, "tokenBatches": 1, "thoughtSamples": 3, "decoding": "sampled"}},
         "sweep": \(sweep),
         "seeds": [1]}
        """
    }

    var results = ""
    override func setUpWithError() throws {
        results = NSTemporaryDirectory() + "qs-exp-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: results, withIntermediateDirectories: true)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: results) }

    func runner(_ text: String) throws -> SweepRunner {
        let file = results + "/exp.json"
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        var o = SweepRunner.Options()
        o.results = results
        o.threadsPerJob = 1
        return SweepRunner(plan: try SweepPlan.load(file: file), options: o)
    }

    func quiet() -> SweepProgress { SweepProgress(live: false, write: { _ in }) }

    /// Runs the sweep `text` to the end in this test's results folder (standing in for another
    /// process), then gives the test a fresh, empty results folder; returns the finished sweep.
    func finishedElsewhere(_ text: String) throws -> SweepRunner {
        let elsewhere = try runner(text)
        XCTAssertEqual(try elsewhere.execute(progress: quiet()).complete.count, elsewhere.runs.count)
        let other = results
        addTeardownBlock { try? FileManager.default.removeItem(atPath: other) }
        results = NSTemporaryDirectory() + "qs-exp-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: results, withIntermediateDirectories: true)
        return elsewhere
    }

    /// Another process finishing a run: the finished run's files copied into `run`'s place.
    func finish(_ run: Run, copying done: Run) {
        try? FileManager.default.createDirectory(atPath: run.directory, withIntermediateDirectories: true)
        for (from, to) in [(done.logPath, run.logPath), (done.configPath, run.configPath),
                           (done.checkpointPath, run.checkpointPath)] {
            try? FileManager.default.copyItem(atPath: from, toPath: to)
        }
    }

    func testSweepWritesCompleteLogsResumesAndNeverRecomputes() throws {
        let r = try runner(Self.sweepText(name: "e2e", sweep: #"{"quietstar.method": ["quietSTaR", "noThought", "pause"]}"#))
        let first = try r.execute(progress: quiet())
        XCTAssertEqual(first.executed.count, 3)
        XCTAssertEqual(first.complete.count, 3)

        // Every required name is in every log.
        for spec in r.runs {
            let run = r.run(spec)
            let log = try RunLog.read(from: run.logPath)
            XCTAssertEqual(log.attributes["status"]?.stringValue, "complete")
            for a in ["config", "status", "software_version", "experiment", "run", "method", "seed", "thoughtLength",
                      "rationales", "nTrue"] { XCTAssertNotNil(log.attributes[a], a) }
            XCTAssertEqual(log.attributes["method"]?.stringValue, spec.experiment.quietstar.method.rawValue)
            XCTAssertEqual(log.attributes["run"]?.stringValue, spec.id)
            let train = try XCTUnwrap(log.groups["train"])
            for c in ["step", "loss", "nll_base", "nll_talk", "policy_loss", "reward_mean", "mixing_weight_mean",
                      "grad_norm", "lr", "tokens", "seconds"] { XCTAssertEqual(train[c]?.count, 4, c) }
            let eval = try XCTUnwrap(log.groups["eval"])
            XCTAssertEqual(eval["step"], .int([0, 2, 4]))
            for c in ["gsm_soft", "gsm_exact", "csqa_soft", "csqa_exact", "gsm_k1_soft", "gsm_k2_exact", "csqa_hop1_soft"] {
                XCTAssertEqual(eval[c]?.count, 3, c)
            }
            if case .double(let soft) = eval["gsm_soft"]! {
                XCTAssertTrue(soft.allSatisfy { $0 > 0 && $0 < 1 }, "\(soft)")
            }
            let tokens = try XCTUnwrap(log.groups["tokens"])
            XCTAssertGreaterThan(tokens["delta_logp"]?.count ?? 0, 10)
            XCTAssertEqual(tokens["nll_base"]?.count, tokens["delta_logp"]?.count)
            if spec.experiment.quietstar.method == .noThought, case .float(let d) = tokens["delta_logp"]! {
                XCTAssertTrue(d.allSatisfy { $0 == 0 }, "no thought, no change")
            }
            let thoughts = try XCTUnwrap(log.groups["thoughts"])
            XCTAssertEqual(thoughts["thought"]?.count, 3)
            XCTAssertEqual(thoughts["context"]?.count, 3)
            XCTAssertTrue(FileManager.default.fileExists(atPath: run.checkpointPath))
            let saved = try JSONParser.parse(String(contentsOfFile: run.configPath, encoding: .utf8))
            XCTAssertEqual(saved, spec.resolved)
        }
        let bases = try FileManager.default.contentsOfDirectory(atPath: results + "/.cache").filter { !$0.hasSuffix(".lock") }
        XCTAssertEqual(bases.count, 1, "one base model for the whole sweep")

        // A second invocation recomputes nothing.
        func mtimes() throws -> [String: Date] {
            var out: [String: Date] = [:]
            for spec in r.runs {
                for p in [r.run(spec).logPath, r.run(spec).checkpointPath] {
                    out[p] = try FileManager.default.attributesOfItem(atPath: p)[.modificationDate] as? Date
                }
            }
            return out
        }
        let before = try mtimes()
        let second = try r.execute(progress: quiet())
        XCTAssertEqual(second.executed, [])
        XCTAssertEqual(second.complete.count, 3)
        let after = try mtimes()
        XCTAssertEqual(after, before)

        // Interrupted run: log left `running` after one evaluation, no checkpoint, a lock file from
        // a dead process. It restarts and reproduces the uninterrupted result bit for bit.
        let victim = r.run(r.runs[0])
        let full = try RunLog.read(from: victim.logPath)
        let ckpt = try Data(contentsOf: URL(fileURLWithPath: victim.checkpointPath))
        var partial = full
        partial.attributes["status"] = .string("running")
        partial.groups["tokens"] = nil
        partial.groups["thoughts"] = nil
        try partial.write(to: victim.logPath)
        try FileManager.default.removeItem(atPath: victim.checkpointPath)
        try "999999\n".write(toFile: victim.lockPath, atomically: true, encoding: .utf8)
        XCTAssertEqual(victim.status, .incomplete)

        let third = try r.execute(progress: quiet())
        XCTAssertEqual(third.executed, [victim.spec.id])
        let redone = try RunLog.read(from: victim.logPath)
        XCTAssertEqual(withoutTimes(redone), withoutTimes(full))
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: victim.checkpointPath)), ckpt)
    }

    /// `train.packing` packs the continued-training corpus only: the packed run trains on full rows
    /// (batch x L tokens every step) from the same base model as the unpacked one, whose short
    /// documents leave its batches shorter; the unpacked run's saved config does not name the field.
    func testTrainPackingPacksContinuedTrainingOnly() throws {
        let r = try runner(Self.sweepText(name: "pack", sweep: #"{"train.packing": ["packed", null], "quietstar.method": ["noThought"]}"#))
        XCTAssertEqual(Set(r.runs.map(\.baseKey)).count, 1)
        XCTAssertEqual(r.runs.map { $0.experiment.train.packing }, [.packed, nil])
        XCTAssertEqual(try r.execute(progress: quiet()).complete.count, 2)
        func tokens(_ spec: RunSpec) throws -> [Int64] {
            let train = try XCTUnwrap(RunLog.read(from: r.run(spec).logPath).groups["train"])
            guard case .int(let t)? = train["tokens"] else { XCTFail("no tokens column"); return [] }
            return t
        }
        let full = Int64(4 * r.runs[0].experiment.model.sequenceLength)
        XCTAssertEqual(try tokens(r.runs[0]), [Int64](repeating: full, count: 4))
        let unpacked = try tokens(r.runs[1])
        XCTAssertTrue(unpacked.count == 4 && unpacked.allSatisfy { $0 < full }, "\(unpacked)")
        func saved(_ spec: RunSpec, _ path: [String]) throws -> JSON? {
            try JSONParser.parse(String(contentsOfFile: r.run(spec).configPath, encoding: .utf8)).value(at: path)
        }
        XCTAssertEqual(try saved(r.runs[0], ["train", "packing"]), .string("packed"))
        XCTAssertNil(try saved(r.runs[1], ["train", "packing"]))
        XCTAssertEqual(try saved(r.runs[1], ["data", "corpus", "packing"]), .string("unpacked"))
    }

    /// A finished run made with other settings than the experiment's current ones is not taken for
    /// a result of the new settings: the sweep refuses to start and names the run, field and values.
    func testFinishedRunWithChangedSettingsIsRefused() throws {
        let text = Self.sweepText(name: "stale", sweep: #"{"quietstar.method": ["noThought"]}"#)
        let r = try runner(text)
        XCTAssertEqual(try r.execute(progress: quiet()).complete.count, 1)
        XCTAssertNoThrow(try r.check(), "unchanged settings pass")
        let changed = try runner(text.replacingOccurrences(of: #""train": {"steps": 4,"#, with: #""train": {"steps": 6,"#))
        XCTAssertThrowsError(try changed.check()) { error in
            let e = error as? ExperimentError
            XCTAssertEqual(e?.path, "train.steps")
            XCTAssertTrue(e?.problem.contains("train.steps = 4") ?? false, "\(error)")
            XCTAssertTrue(e?.problem.contains("now gives 6") ?? false, "\(error)")
            XCTAssertTrue(e?.problem.contains(changed.runs[0].id) ?? false, "\(error)")
        }
        // Moving the run away lets the new settings run.
        for ext in ["h5", "json", "ckpt"] {
            try FileManager.default.removeItem(atPath: changed.run(changed.runs[0]).directory + "/\(changed.runs[0].id).\(ext)")
        }
        XCTAssertNoThrow(try changed.check())
    }

    /// A run held by another process (a live lock) is skipped, not run twice.
    func testLockedRunIsLeftToItsHolder() throws {
        let r = try runner(Self.sweepText(name: "locked", sweep: #"{"quietstar.thoughtLength": [2, 3]}"#))
        try FileManager.default.createDirectory(atPath: r.run(r.runs[0]).directory, withIntermediateDirectories: true)
        let held = try XCTUnwrap(try FileLock.tryLock(r.run(r.runs[0]).lockPath))
        let summary = try r.execute(progress: quiet())
        XCTAssertEqual(summary.busy, [r.runs[0].id])
        XCTAssertEqual(summary.executed, [r.runs[1].id])
        XCTAssertEqual(r.run(r.runs[0]).status, .notStarted)
        held.unlock()
    }

    /// The counts after each run include runs another process finished meanwhile (with --jobs N each
    /// worker shares the runs with the others), and the ETA is for waves of N runs at once.
    func testProgressCountsRunsFinishedByOtherProcesses() throws {
        let text = Self.sweepText(name: "shared", sweep: #"{"quietstar.thoughtLength": [2, 3]}"#)
        let elsewhere = try finishedElsewhere(text)
        let r = try runner(text)
        // Run 0 is held by "another process", which finishes it while this one trains run 1.
        let held = r.run(r.runs[0])
        try FileManager.default.createDirectory(atPath: held.directory, withIntermediateDirectories: true)
        let lock = try XCTUnwrap(try FileLock.tryLock(held.lockPath))
        var lines: [String] = []
        let progress = SweepProgress(live: false) { line in
            lines.append(line)
            if line.contains("\(r.runs[1].id): starting") { self.finish(held, copying: elsewhere.run(elsewhere.runs[0])) }
        }
        let summary = try r.execute(progress: progress)
        lock.unlock()
        XCTAssertEqual(summary.executed, [r.runs[1].id])
        XCTAssertEqual(summary.complete.count, 2)
        let finished = try XCTUnwrap(lines.first { $0.hasPrefix("\(r.runs[1].id): complete in") })
        XCTAssertTrue(finished.hasSuffix("[2/2 runs]\n"), finished)

        XCTAssertNil(SweepRunner.sweepETA(remaining: 0, secondsPerRun: 60, processes: 2))
        XCTAssertEqual(SweepRunner.sweepETA(remaining: 4, secondsPerRun: 60, processes: 1), 240)
        XCTAssertEqual(SweepRunner.sweepETA(remaining: 4, secondsPerRun: 60, processes: 2), 120)
        XCTAssertEqual(SweepRunner.sweepETA(remaining: 3, secondsPerRun: 60, processes: 2), 120)
        XCTAssertEqual(SweepRunner.sweepETA(remaining: 1, secondsPerRun: 60, processes: 0), 60)
    }

    /// A run's evaluation lines count the runs other processes finished before it started, not only
    /// those this process had counted after its own last run.
    func testEvaluationLinesCountRunsFinishedElsewhereBeforeTheRunStarted() throws {
        let text = Self.sweepText(name: "stale", sweep: #"{"quietstar.thoughtLength": [2, 3, 4]}"#)
        let elsewhere = try finishedElsewhere(text)
        let r = try runner(text)
        // Another process finishes run 2 just after this one finished run 0 (and counted 1 of 3).
        var lines: [String] = []
        let progress = SweepProgress(live: false) { line in
            lines.append(line)
            if line.hasPrefix("\(r.runs[0].id): complete in") { self.finish(r.run(r.runs[2]), copying: elsewhere.run(elsewhere.runs[2])) }
        }
        let summary = try r.execute(progress: progress)
        XCTAssertEqual(summary.executed, [r.runs[0].id, r.runs[1].id])
        XCTAssertEqual(summary.complete.count, 3)
        let first = lines.filter { $0.contains(" \(r.runs[0].id) eval step ") }
        XCTAssertFalse(first.isEmpty, "\(lines)")
        for line in first { XCTAssertTrue(line.hasPrefix("[0/3 runs]"), line) }
        let evals = lines.filter { $0.contains(" \(r.runs[1].id) eval step ") }
        XCTAssertFalse(evals.isEmpty, "\(lines)")
        for line in evals { XCTAssertTrue(line.hasPrefix("[2/3 runs"), line) }
        let finished = try XCTUnwrap(lines.first { $0.hasPrefix("\(r.runs[1].id): complete in") })
        XCTAssertTrue(finished.hasSuffix("[3/3 runs]\n"), finished)
    }

    /// The run that pretrains the shared base model says how long the base model took, and only that
    /// run: the sweep ETA is taken from the runs' own time, without the one-off pretraining.
    func testProgressSaysWhichRunPretrainedTheBaseModel() throws {
        let r = try runner(Self.sweepText(name: "basetime", sweep: #"{"quietstar.thoughtLength": [2, 3]}"#))
        XCTAssertEqual(Set(r.runs.map(\.baseKey)).count, 1)
        var lines: [String] = []
        XCTAssertEqual(try r.execute(progress: SweepProgress(live: false) { lines.append($0) }).executed.count, 2)
        let finished = lines.filter { $0.contains(": complete in ") }
        XCTAssertEqual(finished.count, 2, "\(lines)")
        XCTAssertTrue(finished[0].hasPrefix("\(r.runs[0].id): complete in "), finished[0])
        XCTAssertTrue(finished[0].contains(" (base model ") && finished[0].contains(" of it) [1/2 runs, sweep ETA "), finished[0])
        XCTAssertFalse(finished[1].contains("base model"), finished[1])
        XCTAssertTrue(finished[1].hasSuffix("[2/2 runs]\n"), finished[1])
    }

    /// A diverging run is marked failed with its step, and the sweep carries on.
    func testDivergingRunIsMarkedFailedAndSweepContinues() throws {
        let r = try runner(Self.sweepText(name: "nan", sweep: #"{"train.lr": [1e30, 3e-4]}"#))
        let summary = try r.execute(progress: quiet())
        XCTAssertEqual(summary.failed, [r.runs[0].id])
        XCTAssertEqual(summary.complete, [r.runs[1].id])
        let log = try RunLog.read(from: r.run(r.runs[0]).logPath)
        let status = try XCTUnwrap(log.attributes["status"]?.stringValue)
        XCTAssertTrue(status.hasPrefix("failed: non-finite"), status)
        XCTAssertTrue(status.contains(" at step "), status)
        // Failure is deterministic: not recomputed.
        XCTAssertEqual(try r.execute(progress: quiet()).executed, [])
    }

    func withoutTimes(_ log: RunLog) -> RunLog {
        var l = log
        l.groups["train"]?["seconds"] = nil
        return l
    }
}
