import ArgumentParser
import Foundation
import QuietSTaR
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
    @Option(help: ArgumentHelp("Also score every item after its own thought with the mixing head replaced by this fixed weight: the thought's share of the mixed prediction, in 0 ... 1 (0 = the base prediction, 1 = the thought's alone); repeat, or separate weights by commas.", valueName: "w"))
    var thoughtWeights: [String] = []
    @Flag(help: "Also sort every item (one answer token) by whether its own thought's prediction alone (weight 1) and the base prediction (weight 0) are right, with the mixing head's mean weight and the scores in each group (does the head trust right thoughts more than wrong ones?).")
    var byCorrectness = false
    @Option(help: ArgumentHelp("How the thoughts are decoded: greedy or sampled (at temperature 1, as in training). Default: the run's eval.decoding.", valueName: "greedy|sampled"))
    var decoding: QuietSTaRConfig.ThoughtDecoding?

    /// `--thought-weights 0,0.5 --thought-weights 1` -> [0, 0.5, 1] (the range is checked by
    /// `SavedRunEvaluation`).
    static func weights(_ values: [String]) throws -> [Float] {
        try values.flatMap { $0.split(separator: ",") }.map { text in
            guard let w = Float(text.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("--thought-weights: \"\(text)\" is not a number; give weights in 0 ... 1 "
                                      + "(0 = the base prediction, 1 = the thought's prediction alone)")
            }
            return w
        }
    }

    func validate() throws {
        if let items, items < 1 { throw ValidationError("--items must be >= 1 (got \(items))") }
        if let cotItems, cotItems < 0 { throw ValidationError("--cot-items must be >= 0 (got \(cotItems))") }
        _ = try EvalCommand.weights(thoughtWeights)
    }

    func run() throws {
        let trained = try TrainedRun.load(reference, results: results)
        print(try SavedRunEvaluation.evaluate(trained, items: items, cotItems: cotItems, foreignThoughts: foreignThoughts,
                                                        givenThought: thought, thoughtShares: EvalCommand.weights(thoughtWeights),
                                                        decoding: decoding, byCorrectness: byCorrectness).table(), terminator: "")
    }
}

extension QuietSTaRConfig.ThoughtDecoding: ExpressibleByArgument {}
