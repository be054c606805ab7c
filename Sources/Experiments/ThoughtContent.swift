import Foundation
import HDF5Log
import SyntheticData

/// Does what a thought says matter? Every complete Quiet-STaR run of an experiment, from its
/// checkpoint, scored on the held-out sets with its own thoughts, with the thought it wrote for
/// another item of the same set, with its own thought in a random order, with t pause tokens, and
/// with no thought
/// (`Evaluator.ThoughtSource`, `SavedRunEvaluation`; `sweep thought-content`). Soft score, mean
/// over each task's sets, for the tasks the base corpus has text of. The "own" column is the run's
/// last logged evaluation, which ties a saved table to the logs it was computed from.
public enum ThoughtContent {
    public static let file = "thought-content.md"

    public struct Row: Sendable, Equatable {
        public let run: String
        public let seed: Int
        /// "GSM-style" or "CSQA-style".
        public let task: String
        public let own, foreign, shuffled, pause, none: Double
    }

    public static let tableHeader = [
        "| run | seed | task | own thought | another item's thought | own thought, shuffled | pause tokens | no thought |",
        "|---|---|---|---|---|---|---|---|",
    ]

    static let tasks: [(task: EvalTask, name: String, column: String)] = [(.gsm, "GSM-style", "gsm_soft"),
                                                                          (.csqa, "CSQA-style", "csqa_soft")]

    public static func tableRow(_ r: Row) -> String {
        let pct = MarkdownTable.percent
        return "| `\(r.run)` | \(r.seed) | \(r.task) | \(pct(r.own)) | \(pct(r.foreign)) | \(pct(r.shuffled)) | \(pct(r.pause)) | \(pct(r.none)) |"
    }

    /// The runs of `plan` whose rows the table has: Quiet-STaR runs, in plan order.
    public static func runs(of plan: SweepPlan) -> [RunSpec] {
        plan.runs.filter { $0.experiment.quietstar.method == .quietSTaR }
    }

    /// The rows of one trained run (tasks its base corpus has text of).
    public static func rows(_ run: TrainedRun) throws -> [Row] {
        let e = try SavedRunEvaluation.evaluate(run, foreignThoughts: true)
        guard let foreign = e.withForeignThoughts, let shuffled = e.withShuffledThoughts, let pause = e.withPauseThoughts
        else { return [] }
        return tasks.filter { run.experiment.data.corpus.base.covers($0.task) }.map { t in
            Row(run: run.id, seed: run.experiment.train.seed, task: t.name, own: e.withThoughts.mean(t.task, \.soft),
                foreign: foreign.mean(t.task, \.soft), shuffled: shuffled.mean(t.task, \.soft),
                pause: pause.mean(t.task, \.soft), none: e.withoutThoughts.mean(t.task, \.soft))
        }
    }

    /// (run, task, own) of each row of a saved table, as written; other lines are skipped.
    public static func savedRows(_ text: String) -> [(run: String, task: String, own: String)] {
        text.split(separator: "\n").compactMap { line in
            let cells = MarkdownTable.cells(line)
            guard cells.count >= 9, cells[0].isEmpty, cells[1].hasPrefix("`"), Int(cells[2]) != nil else { return nil }
            return (cells[1].trimmingCharacters(in: CharacterSet(charactersIn: "`")), cells[3], cells[4])
        }
    }

    /// What a table of `plan`'s runs in `results` must list: for each complete Quiet-STaR run, each
    /// covered task with the last logged evaluation as "own". nil when a Quiet-STaR run is not complete.
    public static func expectedRows(_ plan: SweepPlan, results: String) -> [(run: String, task: String, own: String)]? {
        var out: [(run: String, task: String, own: String)] = []
        for spec in runs(of: plan) {
            let path = "\(results)/\(plan.name)/\(spec.id).h5"
            guard RunStatus.read(path) == .complete, let log = try? RunLog.read(from: path), let eval = log.groups["eval"]
            else { return nil }
            for t in tasks where spec.experiment.data.corpus.base.covers(t.task) {
                guard case .double(let v)? = eval[t.column], let last = v.last else { return nil }
                out.append((spec.id, t.name, MarkdownTable.percent(last)))
            }
        }
        return out
    }

    /// Whether a saved table is the one `sweep thought-content` would write now: today's columns
    /// (`tableHeader`), exactly the expected rows, with the logged "own" values.
    public static func savedTableIsCurrent(_ text: String, expected: [(run: String, task: String, own: String)]) -> Bool {
        let saved = savedRows(text)
        let header = text.split(separator: "\n", omittingEmptySubsequences: true).prefix(tableHeader.count).map(String.init)
        return header == tableHeader && !saved.isEmpty && saved.count == expected.count
            && zip(saved, expected).allSatisfy { $0.run == $1.run && $0.task == $1.task && $0.own == $1.own }
    }
}
