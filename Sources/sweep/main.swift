import ArgumentParser

@main
struct Sweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run Quiet-STaR experiments declared as JSON files.")
}
