import ArgumentParser
import Experiments
import Foundation

/// `sweep slurm <experiment.json>`: write a Slurm job-array script, one array task per shard.
struct SlurmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slurm",
        abstract: "Write a Slurm job-array script for an experiment file (one array task per shard).")

    @Argument(help: "Experiment file (JSON).") var experiment: String
    @Option(help: "Results folder.") var results: String = "results"
    @Option(help: "Number of shards (array tasks); default: one per run.") var shards: Int?
    @Option(help: "Slurm partition.") var partition: String?
    @Option(help: "Time limit per array task (Slurm format).") var time: String = "04:00:00"
    @Option(help: "CPUs per array task.") var cpus: Int = 2
    @Option(help: "Where to write the script (default: <results>/slurm/<name>.sbatch).") var output: String?

    func validate() throws {
        if let shards, shards < 1 { throw ValidationError("--shards must be >= 1 (got \(shards))") }
        guard cpus >= 1 else { throw ValidationError("--cpus must be >= 1 (got \(cpus))") }
    }

    func run() throws {
        let plan = try SweepPlan.load(file: experiment)
        let cwd = FileManager.default.currentDirectoryPath
        func absolute(_ p: String) -> String { p.hasPrefix("/") ? p : URL(fileURLWithPath: cwd).appendingPathComponent(p).standardizedFileURL.path }
        var script = SlurmScript(jobName: "sweep-\(plan.name)", executable: Executable.path,
                                 experimentFile: absolute(experiment), results: absolute(results),
                                 workingDirectory: cwd, shards: min(shards ?? plan.runs.count, max(1, plan.runs.count)))
        script.partition = partition
        script.time = time
        script.cpus = cpus
        let path = absolute(output ?? "\(results)/slurm/\(plan.name).sbatch")
        try FileManager.default.createDirectory(atPath: absolute("\(results)/slurm"), withIntermediateDirectories: true)
        try script.text.write(toFile: path, atomically: true, encoding: .utf8)
        print("wrote \(path): \(plan.runs.count) runs in \(script.shards) array tasks")
        print("submit with:  sbatch \(path)")
        print("watch with:   squeue -u $USER   (logs in \(absolute(results))/slurm/)")
    }
}
