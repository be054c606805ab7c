import ArgumentParser
import TensorCore

// `main.swift` is top-level code once the target has more than one file, so the command is
// started explicitly instead of with `@main`.
struct Sweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run Quiet-STaR experiments declared as JSON files.",
        subcommands: [RunCommand.self, SlurmCommand.self, DataCommand.self, FiguresCommand.self,
                      ThinkCommand.self, GenerateCommand.self, EvalCommand.self, BaseChecksCommand.self, ThoughtContentCommand.self, RegressCommand.self,
                      WorkerCommand.self],
        defaultSubcommand: RunCommand.self)
}

// OpenBLAS kernel (only when it fell back to a generic one and OPENBLAS_CORETYPE is unset) and an
// allocator that keeps freed blocks: both must happen before any work.
BLAS.relaunchWithKernelIfNeeded()
ProcessTuning.keepFreedMemory()
Sweep.main()
