import ArgumentParser
import Experiments

/// `sweep generate <run> "<prompt>"`: continue a prompt with a thought before every token.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Continue a prompt with a trained run, thinking before every token.",
        discussion: "Greedy unless --temperature is given. The two characters \\n in the prompt stand for a newline.")

    @Argument(help: ArgumentHelp("Run: a path to its .ckpt/.h5/.json, <experiment>/<id>, or a run id.", valueName: "run")) var reference: String
    @Argument(help: "Prompt in the run's vocabulary, e.g. \"Q: bob has 3 . how many does bob have ?\\nA:\".")
    var prompt: String
    @Option(help: "Results folder searched for run ids.") var results: String = "results"
    @Option(help: "Tokens to generate at most.") var maxTokens: Int = 24
    @Option(help: "Sampling temperature (default: greedy).") var temperature: Float?
    @Option(help: "Sampling seed (next tokens and sampled thoughts).") var seed: UInt64 = 0
    @Flag(help: "Show each thought, dimmed, before the token it preceded.") var showThoughts = false
    @Flag(help: "Continue with the run's base model (before continued training, no thoughts) instead, from the base-model cache of the results folder that holds the run.")
    var base = false

    func run() throws {
        var trained = try TrainedRun.load(reference, results: results)
        if base { trained = try trained.withBaseModel() }
        let g = try TextGeneration.generate(trained, prompt: try trained.encode(prompt), maxTokens: maxTokens,
                                            temperature: temperature, seed: seed)
        let style = TerminalStyle.standardOutput()
        print(g.render(vocabulary: trained.vocabulary, showThoughts: showThoughts, style: style))
        if g.stop != .maxTokens { print(style.dim("(stopped: \(g.stop.rawValue))")) }
    }
}
