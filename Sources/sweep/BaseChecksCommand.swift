import ArgumentParser
import Experiments
import Foundation
import SyntheticData
import TensorCore

/// `sweep base-checks <experiment.json>`: the checks on each base model of an experiment (direct
/// answers, worked steps written by the model, oracle solution given) on every evaluation set of
/// the worlds its base corpus has text of, plus the chain-of-thought items when they are chains
/// of their own length (`eval.cot.steps`; set `gsm-k<k>-cot`).
struct BaseChecksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "base-checks",
        abstract: "Direct, worked-steps and oracle-solution accuracy of an experiment's base models (pretrains them if needed).")

    @Argument(help: "Experiment file (JSON), e.g. experiments/csqa.json.") var experiment: String
    @Option(help: "Results folder (base models are cached in <results>/.cache).") var results: String = "results"
    @Option(help: "Items per evaluation set (default: the experiment's eval.itemsPerSet).") var items: Int?
    @Option(help: "Worker threads per process (results do not depend on it; 1 as the runner's default).")
    var threads: Int = 1
    @Flag(help: "Also write the table to <results>/<experiment>/base-checks.md (atomically), where the report reads it.")
    var save = false
    @Flag(help: "With --save: when <results>/<experiment>/base-checks.md already lists exactly this experiment's base models (same items per set), keep it and compute nothing (no pretraining).")
    var keepCurrent = false

    func validate() throws {
        if let items, items < 1 { throw ValidationError("--items must be >= 1 (got \(items))") }
        if threads < 1 { throw ValidationError("--threads must be >= 1 (got \(threads))") }
        if keepCurrent && !save { throw ValidationError("--keep-current needs --save") }
    }

    /// One table line, out at once: a table written to a file or pipe fills row by row while the
    /// base models pretrain (print alone buffers it until the end).
    private func emit(_ line: String) {
        print(line)
        fflush(stdout)
    }

    func run() throws {
        let plan = try SweepPlan.load(file: experiment)
        BLAS.setThreads(threads)
        if keepCurrent {
            let path = "\(results)/\(plan.name)/base-checks.md"
            let keys = Set(plan.runs.map(\.baseKey))
            if let text = try? String(contentsOfFile: path, encoding: .utf8),
               BaseChecks.savedTableIsCurrent(text, baseKeys: keys, items: BaseChecks.itemCounts(plan, items: items)) {
                FileHandle.standardError.write(Data(("\(path) lists this experiment's base models ("
                    + keys.sorted().joined(separator: ", ") + "): kept, nothing computed\n").utf8))
                return
            }
        }
        var seen: Set<String> = []
        var lines = BaseChecks.tableHeader
        lines.forEach { emit($0) }
        for spec in plan.runs where seen.insert(spec.baseKey).inserted {
            let gpt = try BaseModel.obtain(for: spec, cache: "\(results)/.cache") {
                FileHandle.standardError.write(Data(($0 + "\n").utf8))
            }
            var data = spec.experiment.data
            if let items { data.eval.itemsPerSet = items }
            let vocabulary = try Vocabulary(config: data)
            // Only the sets of worlds the base corpus has text of: the others say nothing.
            var sets = EvalSuite.standard(vocabulary: vocabulary, seed: UInt64(spec.experiment.eval.seed))
            // The chain-of-thought items, when they are chains of their own length (eval.cot.steps).
            let cot = spec.experiment.eval.cot
            if cot.items > 0, let k = cot.steps {
                sets.append(EvalSuite.chains(k: k, count: items ?? cot.items, vocabulary: vocabulary,
                                             seed: UInt64(spec.experiment.eval.seed)))
            }
            sets = sets.filter { data.corpus.base.covers($0.task) }
            for r in BaseChecks.run(gpt, sets: sets, vocabulary: vocabulary) {
                lines.append(BaseChecks.tableRow(baseKey: spec.baseKey, pretrainSeed: spec.experiment.pretrain.seed, r))
                emit(lines.last!)
            }
        }
        if save {
            let dir = "\(results)/\(plan.name)"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let path = "\(dir)/base-checks.md"
            try writeAtomically(lines.joined(separator: "\n") + "\n", to: path)
            FileHandle.standardError.write(Data("wrote \(path)\n".utf8))
        }
    }
}
