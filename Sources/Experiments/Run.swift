import Foundation
import HDF5Log
import NN
import QuietSTaR
import SyntheticData
import TensorCore
import Transformer

/// One run: continued training of the cached base model with Quiet-STaR (or a control method),
/// evaluated at step 0, every `eval.every` steps and at the end. The one readable training loop.
///
/// Files in `<results>/<experiment>/`: `<id>.json` (resolved experiment), `<id>.h5` (the log,
/// rewritten whole at every evaluation; status `running`, then `complete` or
/// `failed: <why> at step N`; `/cot/*` when `eval.cot.items > 0`), `<id>.ckpt` (final
/// QuietSTaRModel parameters, written before the log's status turns `complete`). Everything is a function of the experiment: a restarted run
/// reproduces the same files (except `/train/seconds`).
public struct Run {
    public let plan: String
    public let spec: RunSpec
    public let directory: String
    public let cache: String

    public init(plan: String, spec: RunSpec, results: String) {
        self.plan = plan
        self.spec = spec
        directory = "\(results)/\(plan)"
        cache = "\(results)/.cache"
    }

    public var logPath: String { "\(directory)/\(spec.id).h5" }
    public var configPath: String { "\(directory)/\(spec.id).json" }
    public var checkpointPath: String { "\(directory)/\(spec.id).ckpt" }
    public var lockPath: String { "\(directory)/\(spec.id).lock" }

    public var status: RunStatus { RunStatus.read(logPath) }

    /// Trains and evaluates; returns the final status. Throws only for I/O problems (the run then
    /// stays incomplete and is restarted next time).
    @discardableResult
    public func execute(progress: SweepProgress) throws -> RunStatus {
        var baseSeconds: Double?
        return try execute(progress: progress, baseSeconds: &baseSeconds)
    }

    /// As above; `baseSeconds` is set to the seconds it took to get the base model when it was not
    /// in the cache yet (pretraining it, or waiting while another process did), and nil when it was.
    @discardableResult
    public func execute(progress: SweepProgress, baseSeconds: inout Double?) throws -> RunStatus {
        let e = spec.experiment
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try writeAtomically(spec.resolved.pretty() + "\n", to: configPath)
        var record = RunRecord(plan: plan, run: spec)

        let gpt: GPT
        do {
            let t0 = Date()
            let wasCached = FileManager.default.fileExists(atPath: BaseModel.checkpointPath(for: spec, cache: cache))
            gpt = try BaseModel.obtain(for: spec, cache: cache, log: progress.line)
            baseSeconds = wasCached ? nil : Date().timeIntervalSince(t0)
        } catch let d as BaseModel.Diverged {
            record.attributes["status"] = .string("failed: \(d.description), before step 0")
            try record.write(to: logPath)
            progress.line("\(spec.id): \(d.description)")
            return .failed("failed: \(d.description)")
        }
        let vocabulary = try Vocabulary(config: e.data)
        let evaluator = Evaluator(experiment: e, vocabulary: vocabulary)
        let corpus = try Corpus(kind: e.train.corpus, vocabulary: vocabulary, seed: UInt64(e.train.seed),
                                packing: e.train.packing)
        var rng = RNG(seed: UInt64(e.train.seed))
        let model = QuietSTaRModel(gpt: gpt, config: e.quietstar, using: &rng)
        var trainRNG = rng.fork(1)
        let trainer = QuietSTaRTrainer(model: model, weightDecay: e.train.weightDecay)
        let schedule = LRSchedule(peak: e.train.lr, warmup: e.train.warmup, total: e.train.steps)
        let b = e.train.batch, l = e.model.sequenceLength, total = e.train.steps

        func evaluate(at step: Int) throws {
            let result = evaluator.evaluate(model, pad: vocabulary.pad)
            record.addEval(step, result)
            progress.eval(run: spec.id, step: step, result: result)
            try record.write(to: logPath)
        }

        try evaluate(at: 0)
        let start = Date()
        for step in 0..<total {
            let batch = Batch(rows: corpus.batch(index: step, size: b, length: l), corpus: corpus, pad: vocabulary.pad)
            let lr = schedule.rate(at: step)
            let t0 = Date()
            let stats = trainer.step(tokens: batch.tokens, targets: batch.targets,
                                     batch: batch.size, length: batch.length, lr: lr, using: &trainRNG)
            record.addStep(step, stats, lr: lr, seconds: Date().timeIntervalSince(t0))
            guard stats.loss.isFinite && stats.gradNorm.isFinite else {
                let what = stats.loss.isFinite ? "non-finite gradient norm" : "non-finite loss (\(stats.loss))"
                let why = "failed: \(what) at step \(step)"
                record.attributes["status"] = .string(why)
                try record.write(to: logPath)
                progress.line("\(spec.id): \(why)")
                return .failed(why)
            }
            let done = step + 1
            progress.step(run: spec.id, step: done, total: total, stats: stats,
                          secondsPerStep: Date().timeIntervalSince(start) / Double(done))
            if done % e.eval.every == 0 || done == total { try evaluate(at: done) }
        }

        record.extra["tokens"] = try TokenAnalysis.tokens(model, experiment: e, vocabulary: vocabulary)
        record.extra["thoughts"] = TokenAnalysis.thoughts(model, evaluator: evaluator, vocabulary: vocabulary,
                                                          count: e.eval.thoughtSamples, seed: UInt64(e.eval.seed))
        if e.eval.cot.items > 0 {
            progress.line("\(spec.id): chain-of-thought maj@\(e.eval.cot.samples) on \(e.eval.cot.items) GSM items")
            let cot = CoTEvaluation(spec: e.eval.cot, evaluator: evaluator, vocabulary: vocabulary)
            record.extra["cot"] = cot.evaluate(model).columns
        }
        try Checkpoint.save(model.namedParameters, to: checkpointPath)
        record.attributes["status"] = .string("complete")
        try record.write(to: logPath)
        return .complete
    }

    /// Settings in which this finished run's saved configuration (`<id>.json`) differs from what the
    /// experiment now resolves to (dotted path, saved value, current value). Empty when they agree,
    /// and for unfinished runs (those restart with the current settings anyway).
    public func changedSettings() -> [(path: String, saved: String, now: String)] {
        guard status.isFinished, let text = try? String(contentsOfFile: configPath, encoding: .utf8),
              let saved = try? JSONParser.parse(text) else { return [] }
        return saved.differences(to: spec.resolved).map { ($0.path, $0.this, $0.other) }
    }

    /// A finished run is never recomputed, so one made with other settings than the experiment's
    /// current ones would silently stand for them: refuse, naming the run, the field and both values.
    func checkNotStale(experimentFile: String) throws {
        let changed = changedSettings()
        guard let first = changed.first else { return }
        let more = changed.count > 1 ? " (and \(changed.count - 1) more: "
            + changed.dropFirst().prefix(4).map(\.path).joined(separator: ", ") + (changed.count > 5 ? ", ..." : "") + ")" : ""
        throw ExperimentError(file: experimentFile, path: first.path, problem:
            "the finished run \(spec.id) (\(configPath)) was made with \(first.path) = \(first.saved), but the experiment now "
            + "gives \(first.now)\(more); finished runs are never recomputed",
            allowed: "the value the run was made with, or move \(directory)/\(spec.id).* out of the results folder "
            + "to run it again with the new one")
    }

    /// Checks that the run's inputs fit its model before any work (the evaluation prompts must
    /// fit in L positions).
    func checkFits() throws {
        let e = spec.experiment
        let evaluator = Evaluator(experiment: e, vocabulary: try Vocabulary(config: e.data))
        if evaluator.longestInput > e.model.sequenceLength {
            throw ExperimentError(file: plan, path: "model.sequenceLength", problem:
                "evaluation inputs need \(evaluator.longestInput) positions but L = \(e.model.sequenceLength) (run \(spec.id))",
                allowed: ">= \(evaluator.longestInput)")
        }
    }
}
