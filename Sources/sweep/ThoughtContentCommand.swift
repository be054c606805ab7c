import ArgumentParser
import Experiments
import Foundation
import TensorCore

/// `sweep thought-content <experiment.json>`: every complete Quiet-STaR run of an experiment, from
/// its checkpoint, scored with its own thoughts, another item's thought, its own thought shuffled,
/// pause tokens and no thought (`ThoughtContent`).
struct ThoughtContentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "thought-content",
        abstract: "Does what a thought says matter? Each Quiet-STaR run of an experiment scored with its own thoughts, another item's thought, its own thought shuffled, pause tokens and none.")

    @Argument(help: "Experiment file (JSON), e.g. experiments/thought-length.json.") var experiment: String
    @Option(help: "Results folder with the runs' logs and checkpoints.") var results: String = "results"
    @Option(help: "Worker threads (results do not depend on it).") var threads: Int = 1
    @Flag(help: "Also write the table to <results>/<experiment>/\(ThoughtContent.file) (atomically), where the report reads it.")
    var save = false
    @Flag(help: "With --save: when the saved table already lists exactly this experiment's complete Quiet-STaR runs with their logged final evaluation, keep it and compute nothing (no checkpoint needed).")
    var keepCurrent = false

    func validate() throws {
        if threads < 1 { throw ValidationError("--threads must be >= 1 (got \(threads))") }
        if keepCurrent && !save { throw ValidationError("--keep-current needs --save") }
    }

    func run() throws {
        let plan = try SweepPlan.load(file: experiment)
        BLAS.setThreads(threads)
        let dir = "\(results)/\(plan.name)", path = "\(dir)/\(ThoughtContent.file)"
        guard let expected = ThoughtContent.expectedRows(plan, results: results) else {
            throw TrainedRunError("\(experiment): not every Quiet-STaR run of \(plan.name) is complete in \(results); "
                                  + "run `swift run sweep \(experiment) --results \(results)` first")
        }
        if keepCurrent, let text = try? String(contentsOfFile: path, encoding: .utf8),
           ThoughtContent.savedTableIsCurrent(text, expected: expected) {
            FileHandle.standardError.write(Data("\(path) lists this experiment's Quiet-STaR runs with their logged evaluations: kept, nothing computed\n".utf8))
            return
        }
        // Every checkpoint loads before anything is printed (a missing one is an error that says how to make it).
        let trained = try ThoughtContent.runs(of: plan).map { try TrainedRun.load("\(plan.name)/\($0.id)", results: results) }
        var lines = ThoughtContent.tableHeader
        lines.forEach { print($0) }
        for run in trained {
            for row in try ThoughtContent.rows(run) {
                // The checkpoint must be the model of the log: its own thoughts give the logged evaluation.
                if let logged = expected.first(where: { $0.run == row.run && $0.task == row.task })?.own,
                   logged != MarkdownTable.percent(row.own) {
                    throw TrainedRunError("\(dir)/\(run.id).ckpt does not reproduce its log: \(row.task) soft "
                                          + "\(MarkdownTable.percent(row.own)) with its own thoughts, \(logged) in \(dir)/\(run.id).h5")
                }
                lines.append(ThoughtContent.tableRow(row))
                print(lines.last!)
                fflush(stdout)
            }
        }
        if save {
            try writeAtomically(lines.joined(separator: "\n") + "\n", to: path)
            FileHandle.standardError.write(Data("wrote \(path)\n".utf8))
        }
    }
}
