import Foundation

/// A Slurm job-array script for a sweep: one array task per shard (`--array=1-N`), each running
/// `<sweep> <file> --shard $SLURM_ARRAY_TASK_ID/N --results DIR --jobs <cpus> --threads 1` (the
/// task's CPUs run that many runs of its shard at once, one BLAS thread each, so results are the
/// same bits as a local `--jobs` sweep). Shards are disjoint
/// and runs are locked, so re-submitting the script after a failure only runs what is missing.
public struct SlurmScript: Sendable {
    public var jobName: String
    /// Absolute path of the sweep executable (a built binary: no compilation inside the job).
    public var executable: String
    /// Absolute path of the experiment file.
    public var experimentFile: String
    /// Absolute path of the results folder.
    public var results: String
    /// Working directory of the job.
    public var workingDirectory: String
    public var shards: Int
    public var cpus: Int = 2
    public var time: String = "04:00:00"
    public var partition: String? = nil

    public init(jobName: String, executable: String, experimentFile: String, results: String,
                workingDirectory: String, shards: Int) {
        self.jobName = jobName; self.executable = executable; self.experimentFile = experimentFile
        self.results = results; self.workingDirectory = workingDirectory; self.shards = shards
    }

    public var text: String {
        var lines = [
            "#!/bin/bash",
            "#SBATCH --job-name=\(jobName)",
            "#SBATCH --array=1-\(shards)",
            "#SBATCH --ntasks=1",
            "#SBATCH --cpus-per-task=\(cpus)",
            "#SBATCH --time=\(time)",
            "#SBATCH --output=\(results)/slurm/%x-%A_%a.out",
        ]
        if let p = partition { lines.append("#SBATCH --partition=\(p)") }
        lines += [
            "set -euo pipefail",
            "cd \(quote(workingDirectory))",
            "exec \(quote(executable)) \(quote(experimentFile)) --shard \"${SLURM_ARRAY_TASK_ID}/\(shards)\" "
                + "--results \(quote(results)) --jobs \(cpus) --threads 1",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    /// Shell single-quoting.
    func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}
