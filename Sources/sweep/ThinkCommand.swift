import ArgumentParser
import Experiments
import QuietSTaR

/// `sweep think <run> "<text>"`: the thought at every position of a text, its weight and how much
/// it changed the probability of the next true token.
struct ThinkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "think",
        abstract: "Show the thought a trained run has at every position of a text.",
        discussion: """
            For each position: the thought generated there, the mixing weight (the thought's share of the \
            prediction) and delta log p = log p(next true token) mixed minus base, in nats. The two characters \
            \\n in the text stand for a newline. Colour when stdout is a terminal and NO_COLOR is unset.
            """)

    @Argument(help: ArgumentHelp("Run: a path to its .ckpt/.h5/.json, <experiment>/<id>, or a run id.", valueName: "run")) var reference: String
    @Argument(help: "Text in the run's vocabulary, e.g. \"Q: bob has 3 . ann has 2 more than bob .\".") var text: String
    @Option(help: "Results folder searched for run ids.") var results: String = "results"
    @Flag(help: "Print JSON instead of the table.") var json = false
    @Option(help: "Seed of sampled thoughts.") var seed: UInt64 = 0
    @Flag(help: "Sample thoughts (temperature 1) instead of greedy decoding.") var sampled = false

    func run() throws {
        let trained = try TrainedRun.load(reference, results: results)
        let inspection = try ThoughtInspection.inspect(trained, tokens: try trained.encode(text),
                                                       decoding: sampled ? .sampled : .greedy, seed: seed)
        print(json ? inspection.json() : inspection.render(style: .standardOutput()), terminator: "")
    }
}
