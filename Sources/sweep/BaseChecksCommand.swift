import ArgumentParser
import Experiments
import Foundation
import SyntheticData

/// `sweep base-checks <experiment.json>`: the checks on each base model of an experiment (direct
/// answers, worked steps written by the model, oracle solution given) on every evaluation set.
struct BaseChecksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "base-checks",
        abstract: "Direct, worked-steps and oracle-solution accuracy of an experiment's base models (pretrains them if needed).")

    @Argument(help: "Experiment file (JSON), e.g. experiments/csqa.json.") var experiment: String
    @Option(help: "Results folder (base models are cached in <results>/.cache).") var results: String = "results"
    @Option(help: "Items per evaluation set (default: the experiment's eval.itemsPerSet).") var items: Int?

    func validate() throws {
        if let items, items < 1 { throw ValidationError("--items must be >= 1 (got \(items))") }
    }

    func run() throws {
        let plan = try SweepPlan.load(file: experiment)
        var seen: Set<String> = []
        print("| base model | pretrain seed | set | items | direct soft | direct exact | worked exact | oracle soft | oracle exact |")
        print("|---|---|---|---|---|---|---|---|---|")
        for spec in plan.runs where seen.insert(spec.baseKey).inserted {
            let gpt = try BaseModel.obtain(for: spec, cache: "\(results)/.cache") {
                FileHandle.standardError.write(Data(($0 + "\n").utf8))
            }
            var data = spec.experiment.data
            if let items { data.eval.itemsPerSet = items }
            let vocabulary = try Vocabulary(config: data)
            let sets = EvalSuite.standard(vocabulary: vocabulary, seed: UInt64(spec.experiment.eval.seed))
            for r in BaseChecks.run(gpt, sets: sets, vocabulary: vocabulary) {
                func pct(_ x: Double) -> String { String(format: "%.1f%%", 100 * x) }
                print("| \(spec.baseKey) | \(spec.experiment.pretrain.seed) | \(r.name) | \(r.items) | \(pct(r.directSoft)) | "
                      + "\(pct(r.directExact)) | \(pct(r.workedExact)) | \(pct(r.oracleSoft)) | \(pct(r.oracleExact)) |")
            }
        }
    }
}
