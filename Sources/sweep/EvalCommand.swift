import ArgumentParser
import Experiments

/// `sweep eval <run>`: re-evaluate a saved model on the held-out sets, with and without thoughts.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Re-evaluate a trained run on the held-out sets, with thoughts and without (base logits).")

    @Argument(help: ArgumentHelp("Run: a path to its .ckpt/.h5/.json, <experiment>/<id>, or a run id.", valueName: "run")) var reference: String
    @Option(help: "Results folder searched for run ids.") var results: String = "results"
    @Option(help: "Items per set (default: the run's eval.itemsPerSet, which reproduces its last evaluation).")
    var items: Int?
    @Option(help: "Also chain-of-thought maj@k on this many GSM items (the run's eval.cot settings).")
    var cotItems: Int?
    @Flag(help: "Also score every item after the thought the model wrote for the next item of its set, after its own thought in a random order, and after t pause tokens (does the thought's content matter?).")
    var foreignThoughts = false
    @Option(help: ArgumentHelp("Also score every item after this thought instead of the model's own: exactly t words of the run's vocabulary (\\n for a line end).", valueName: "text"))
    var thought: String?

    func validate() throws {
        if let items, items < 1 { throw ValidationError("--items must be >= 1 (got \(items))") }
        if let cotItems, cotItems < 0 { throw ValidationError("--cot-items must be >= 0 (got \(cotItems))") }
    }

    func run() throws {
        let trained = try TrainedRun.load(reference, results: results)
        print(try SavedRunEvaluation.evaluate(trained, items: items, cotItems: cotItems, foreignThoughts: foreignThoughts,
                                                        givenThought: thought).table(), terminator: "")
    }
}
