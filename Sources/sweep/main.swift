import ArgumentParser

// `main.swift` is top-level code once the target has more than one file, so the command is
// started explicitly instead of with `@main`.
struct Sweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run Quiet-STaR experiments declared as JSON files.",
        subcommands: [RunCommand.self, SlurmCommand.self, DataCommand.self, FiguresCommand.self,
                      WorkerCommand.self, RegressCommand.self],
        defaultSubcommand: RunCommand.self)
}

BLASKernel.ensureSelected()
Sweep.main()
