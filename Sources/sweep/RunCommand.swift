import ArgumentParser
import Experiments
import Foundation

/// `sweep <experiment.json>`: run (or resume) every run of an experiment file. The default
/// subcommand.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run (or resume) the runs of an experiment file; finished runs are skipped.")

    @Argument(help: "Experiment file (JSON), e.g. experiments/thought-length.json.") var experiment: String
    @Option(help: "Results folder.") var results: String = "results"
    @Flag(help: "List the runs and whether each is done, then exit.") var dryRun = false
    /// Default 2 (with 1 BLAS thread each): on 2 cores, 2 BLAS threads gave no speed-up for this
    /// model size (20 pretraining steps: 18.7 s with 1 thread, 19.6 s with 2), so two independent
    /// runs at once use the machine better. See experiments/README.md.
    @Option(help: "Worker processes sharing the runs (1 BLAS thread each unless --threads).") var jobs: Int = 2
    @Option(help: "Only the i-th of N shares of the runs (1-based, i/N; run k goes to shard k mod N + 1).")
    var shard: String?
    @Option(help: "Threads per process (results do not depend on it).") var threads: Int = 1
    @Option(help: ArgumentHelp("Only this run (an id as --dry-run lists it); repeat, or separate ids by commas.",
                               valueName: "run-id"))
    var only: [String] = []

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be >= 1 (got \(jobs))") }
        if threads < 1 { throw ValidationError("--threads must be >= 1 (got \(threads))") }
        if let shard { _ = try Shard(parsing: shard) }
    }

    func run() throws {
        let plan = try SweepPlan.load(file: experiment)
        var options = SweepRunner.Options()
        options.results = results
        options.shard = try shard.map(Shard.init(parsing:))
        options.only = RunCommand.ids(only)
        options.jobs = jobs
        options.threadsPerJob = threads
        options.executable = Executable.path
        let runner = SweepRunner(plan: plan, options: options)
        try runner.check()
        for note in plan.notes { FileHandle.standardError.write(Data((note + "\n").utf8)) }
        if dryRun {
            let selection = (options.only.isEmpty ? "" : " (--only)") + (options.shard.map { " (shard \($0))" } ?? "")
            print("\(plan.name): \(runner.runs.count) run\(runner.runs.count == 1 ? "" : "s")\(selection) -> \(results)/\(plan.name)/")
            runner.listing().forEach { print($0) }
            return
        }
        let summary = try runner.execute(progress: SweepProgress())
        print("\(plan.name): \(summary.complete.count) complete, \(summary.failed.count) failed, "
              + "\(runner.runs.count - summary.complete.count - summary.failed.count) not finished "
              + "(of \(runner.runs.count)); results in \(results)/\(plan.name)/")
        if !summary.failed.isEmpty { print("failed: " + summary.failed.joined(separator: ", ")) }
    }

    /// `--only a,b --only c` -> [a, b, c].
    static func ids(_ values: [String]) -> [String] {
        values.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}

/// `sweep worker ...`: one worker process of `--jobs N` (internal).
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker", abstract: "Internal: one worker process of a --jobs N sweep.", shouldDisplay: false)

    @Argument var experiment: String
    @Option var results: String = "results"
    @Option var shard: String?
    @Option var threads: Int = 1
    @Option(help: "Processes sharing the runs (for the sweep ETA).") var sharedBy: Int = 1
    @Option(help: "Process id of the sweep: the worker stops once that process is gone.") var parent: Int32?
    @Option var only: [String] = []

    func run() throws {
        if let parent { ParentWatch.start(parent: parent) }
        var options = SweepRunner.Options()
        options.results = results
        options.sharedBy = sharedBy
        options.shard = try shard.map(Shard.init(parsing:))
        options.only = only
        options.threadsPerJob = threads
        let runner = SweepRunner(plan: try SweepPlan.load(file: experiment), options: options)
        _ = try runner.execute(progress: SweepProgress(live: false))
    }
}

enum Executable {
    /// Absolute path of this executable.
    static var path: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
    }
}
