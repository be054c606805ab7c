import Foundation
import HDF5Log
import NN
import SyntheticData
import TensorCore
import Transformer

/// The pretrained base model, trained once per distinct pretraining configuration and cached.
///
/// Pretraining is plain next-token training of a `GPT` (context `Experiment.baseContext`) with
/// AdamW, global-norm clip 1 and one `LRSchedule` (warm-up, cosine to 10%) over
/// `pretrain.factSteps` steps of the warm-up corpus (facts) followed by `pretrain.steps` steps of
/// the base corpus; batch index = step within each phase. Corpus and weights are seeded by
/// `pretrain.seed`.
///
/// Cache layout: `<results>/.cache/base-<key>/` with `model.ckpt` (NN.Checkpoint; written last,
/// its presence means "done"), `config.json` (the fields the key hashes, `data.corpus.generic` as
/// the experiment that pretrained it set it) and `pretrain.h5`
/// (`/train/step`, `/train/loss`, `/train/lr`; root `status`). `base-<key>.lock` serialises
/// pretraining across processes.
public enum BaseModel {
    public struct Diverged: Error, CustomStringConvertible {
        public let step: Int
        public var description: String { "base-model pretraining diverged (non-finite loss) at step \(step)" }
    }

    /// Loads the cached base model for `run` (training and caching it first if needed) into a
    /// GPT of `experiment.runContext` positions.
    public static func obtain(for run: RunSpec, cache: String, log: (String) -> Void) throws -> GPT {
        let e = run.experiment
        let dir = "\(cache)/base-\(run.baseKey)"
        let ckpt = checkpointPath(for: run, cache: cache)
        try FileManager.default.createDirectory(atPath: cache, withIntermediateDirectories: true)
        let lock = try FileLock.wait("\(cache)/base-\(run.baseKey).lock")
        defer { lock.unlock() }
        if !FileManager.default.fileExists(atPath: ckpt) {
            if let failed = try? RunLog.read(from: "\(dir)/pretrain.h5"),
               let status = failed.attributes["status"]?.stringValue, status.hasPrefix("failed") {
                throw Diverged(step: Int(status.split(separator: " ").last ?? "") ?? -1)
            }
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            log("pretraining base model \(run.baseKey) (\(e.pretrain.factSteps) + \(e.pretrain.steps) steps)")
            try pretrain(e, directory: dir, log: log)
        }
        return try load(ckpt, experiment: e)
    }

    /// Where the finished base model of `run` is (or will be) cached; it exists once pretraining is done.
    public static func checkpointPath(for run: RunSpec, cache: String) -> String {
        "\(cache)/base-\(run.baseKey)/model.ckpt"
    }

    /// The base GPT's configuration.
    static func config(_ e: Experiment, vocab: Int, context: Int) -> GPTConfig {
        GPTConfig(vocab: vocab, context: context, layers: e.model.layers, width: e.model.width, heads: e.model.heads)
    }

    static func pretrain(_ e: Experiment, directory dir: String, log: (String) -> Void) throws {
        let vocabulary = try Vocabulary(config: e.data)
        let seed = UInt64(e.pretrain.seed)
        var rng = RNG(seed: seed)
        let gpt = GPT(config(e, vocab: vocabulary.count, context: e.baseContext), using: &rng)
        let optimizer = AdamW(params: gpt.parameters, weightDecay: e.pretrain.weightDecay)
        let phases: [(CorpusKind, Int)] = [(.warmup, e.pretrain.factSteps), (.base, e.pretrain.steps)]
        let total = e.pretrain.factSteps + e.pretrain.steps
        let schedule = LRSchedule(peak: e.pretrain.lr, warmup: e.pretrain.warmup, total: total)
        let b = e.pretrain.batch, l = e.model.sequenceLength
        var steps: [Int64] = [], losses: [Float] = [], rates: [Float] = []
        var status = "complete"
        var global = 0
        let start = Date()
        phaseLoop: for (kind, n) in phases where n > 0 {
            let corpus = try Corpus(kind: kind, vocabulary: vocabulary, seed: seed)
            for i in 0..<n {
                let batch = Batch(rows: corpus.batch(index: i, size: b, length: l), corpus: corpus, pad: vocabulary.pad)
                gpt.zeroGrad()
                let out = gpt.forward(tokens: batch.tokens, batch: b, length: batch.length)
                let loss = out.logits.reshaped([b * batch.length, vocabulary.count]).crossEntropy(targets: batch.targets)
                let lr = schedule.rate(at: global)
                steps.append(Int64(global)); losses.append(loss.item); rates.append(lr)
                guard loss.item.isFinite else { status = "failed: non-finite loss at step \(global)"; break phaseLoop }
                loss.backward()
                clipGradNorm(gpt.parameters, maxNorm: 1)
                optimizer.update(lr: lr)
                global += 1
                if global % 500 == 0 || global == total {
                    let eta = Date().timeIntervalSince(start) / Double(global) * Double(total - global)
                    log("  pretrain step \(global)/\(total) loss \(String(format: "%.3f", loss.item)) ETA \(Int(eta)) s")
                }
            }
        }
        let configJSON = JSON.object([("data", ExperimentSchema.encode(e.data)), ("model", ExperimentSchema.encode(e.model)),
                                      ("pretrain", ExperimentSchema.encode(e.pretrain))])
        try writeAtomically(configJSON.pretty() + "\n", to: "\(dir)/config.json")
        let record = RunLog(attributes: ["status": .string(status), "config": .string(configJSON.text())],
                            groups: ["train": ["step": .int(steps), "loss": .float(losses), "lr": .float(rates)]])
        try record.write(to: "\(dir)/pretrain.h5")
        if status != "complete" { throw Diverged(step: global) }
        try Checkpoint.save(gpt.namedParameters, to: "\(dir)/model.ckpt")
    }

    /// A GPT of the run's context with the base weights; position embeddings keep the first
    /// `runContext` rows.
    static func load(_ path: String, experiment e: Experiment) throws -> GPT {
        let saved = Dictionary(try Checkpoint.load(from: path), uniquingKeysWith: { a, _ in a })
        let vocab = try Vocabulary(config: e.data).count
        var scratch = RNG(seed: 0)  // every value is overwritten below
        let gpt = GPT(config(e, vocab: vocab, context: e.runContext), using: &scratch)
        for (name, p) in gpt.namedParameters {
            guard let t = saved[name] else { throw BaseModelError(path: path, reason: "has no tensor named '\(name)'") }
            if t.shape == p.shape { p.data = t.data; continue }
            guard p === gpt.wpe.table, t.rank == 2, t.shape[1] == p.shape[1], t.shape[0] >= p.shape[0] else {
                throw BaseModelError(path: path, reason: "tensor '\(name)' has shape \(t.shape), expected \(p.shape)")
            }
            p.data = Array(t.data[0..<p.count])
        }
        return gpt
    }
}

/// Writes text to `path` through a temporary file and a rename.
public func writeAtomically(_ text: String, to path: String) throws {
    let tmp = "\(path).tmp-\(ProcessInfo.processInfo.processIdentifier)"
    try Data(text.utf8).write(to: URL(fileURLWithPath: tmp))
    guard rename(tmp, path) == 0 else {
        unlink(tmp)
        throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
    }
}

/// A base-model checkpoint that does not match the run's model.
public struct BaseModelError: Error, CustomStringConvertible {
    public let path: String, reason: String
    public var description: String { "base model \(path): \(reason)" }
}
