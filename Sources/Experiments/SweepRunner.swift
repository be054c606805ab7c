import Foundation
import TensorCore

/// Runs the runs of a sweep (or of one shard of it) that are not finished yet.
///
/// Safe to run concurrently and to kill at any moment: each run is taken under a `flock` on
/// `<id>.lock` (released by the kernel if the process dies), its status is re-read after the lock
/// is taken, a finished run (`complete`, or `failed` by divergence) is never recomputed, and an
/// interrupted one restarts from scratch, which reproduces the uninterrupted result. With
/// `jobs > 1` the runner starts `jobs` worker processes (`<executable> worker ...`) that share
/// the runs through the same locks.
///
/// Threads: 1 per process unless set (`BLAS.setThreads`: workers of TensorCore's own splits;
/// OpenBLAS itself always runs single-threaded). Results are bit-identical for the same seed
/// whatever the thread count (TensorCore/README.md); one thread per process keeps `jobs` processes
/// from competing for the cores (and 2 threads gave no speed-up at this model size on 2 cores).
public struct SweepRunner {
    public struct Options: Sendable {
        public var results: String = "results"
        public var shard: Shard? = nil
        /// Run ids to keep (`--only`); empty keeps every run. Applied before the shard.
        public var only: [String] = []
        public var jobs: Int = 1
        /// BLAS threads per process.
        public var threadsPerJob: Int = 1
        /// This executable, for worker processes (`jobs > 1`).
        public var executable: String? = nil
        /// Processes sharing the runs (a worker of a `jobs` N sweep: N), for the sweep ETA.
        public var sharedBy: Int = 1
        public init() {}
    }

    public struct Summary: Sendable, Equatable {
        public var complete: [String] = []
        public var failed: [String] = []
        /// Runs this invocation actually trained (the others were finished before or taken by
        /// another process).
        public var executed: [String] = []
        public var busy: [String] = []
    }

    public let plan: SweepPlan
    public let options: Options

    public init(plan: SweepPlan, options: Options) {
        self.plan = plan
        self.options = options
    }

    public var runs: [RunSpec] {
        let picked = options.only.isEmpty ? plan.runs : plan.runs.filter { options.only.contains($0.id) }
        return options.shard.map { $0.select(picked) } ?? picked
    }

    public func run(_ spec: RunSpec) -> Run { Run(plan: plan.name, spec: spec, results: options.results) }

    /// Checks that every selected run fits its model, and that no finished run was made with
    /// settings other than the experiment's current ones (before any work starts).
    public func check() throws {
        let ids = plan.runs.map(\.id)
        if let unknown = options.only.first(where: { !ids.contains($0) }) {
            throw SweepSelectionError(message: "--only: \(plan.file) has no run \"\(unknown)\". Its runs: "
                                      + ids.joined(separator: ", ") + ". Nothing was run.")
        }
        for r in runs.map(run) {
            try r.checkFits()
            try r.checkNotStale(experimentFile: plan.file)
        }
    }

    /// `--dry-run`: one line per run with its status.
    public func listing() -> [String] {
        runs.map { "\(String(format: "%3d", $0.index + 1)) \($0.id)  [\(run($0).status)]" }
    }

    /// Runs everything (in this process, or through worker processes when jobs > 1).
    public func execute(progress: SweepProgress) throws -> Summary {
        if options.jobs > 1 {
            guard let exe = options.executable else { throw WorkerError(message: "no executable given for worker processes") }
            try spawnWorkers(executable: exe, threads: options.threadsPerJob, progress: progress)
            return summarize(executed: [], busy: [])
        }
        BLAS.setThreads(options.threadsPerJob)
        return try work(progress: progress)
    }

    /// The worker loop: take each unfinished, unlocked run in order and execute it.
    public func work(progress: SweepProgress) throws -> Summary {
        let todo = runs
        var executed: [String] = [], busy: [String] = []
        // Re-read before and after each run: other processes of the sweep finish runs too.
        func finished() -> Int { todo.filter { run($0).status.isFinished }.count }
        var done = finished()
        var seconds: [Double] = []
        // The sweep line the progress shows (also in each evaluation line): runs finished by any
        // process, and the ETA from this process's own run times.
        func sweepETA() -> Double? {
            guard !seconds.isEmpty else { return nil }
            return Self.sweepETA(remaining: todo.count - done, secondsPerRun: seconds.reduce(0, +) / Double(seconds.count),
                                 processes: options.sharedBy)
        }
        progress.sweep(done: done, total: todo.count, eta: nil)
        for spec in todo {
            let r = run(spec)
            if r.status.isFinished { continue }
            try FileManager.default.createDirectory(atPath: r.directory, withIntermediateDirectories: true)
            guard let lock = try FileLock.tryLock(r.lockPath) else { busy.append(spec.id); continue }
            defer { lock.unlock() }
            if r.status.isFinished { continue }  // finished by another process meanwhile
            done = finished()
            progress.sweep(done: done, total: todo.count, eta: sweepETA())
            progress.line("\(spec.id): starting (run \(spec.index + 1) of \(plan.runs.count))")
            let t0 = Date()
            var baseSeconds: Double?
            let status = try r.execute(progress: progress, baseSeconds: &baseSeconds)
            let wall = Date().timeIntervalSince(t0)
            // The ETA is taken from the runs' own time: a base model is pretrained once, for many runs.
            seconds.append(wall - (baseSeconds ?? 0))
            executed.append(spec.id)
            done = finished()
            let eta = sweepETA()
            progress.sweep(done: done, total: todo.count, eta: eta)
            let base = baseSeconds.map { " (base model \(SweepProgress.time($0)) of it)" } ?? ""
            progress.line("\(spec.id): \(status) in \(SweepProgress.time(wall))\(base) [\(done)/\(todo.count) runs\(eta.map { ", sweep ETA \(SweepProgress.time($0))" } ?? "")]")
            unlink(r.lockPath)  // safe: whoever locks this path next re-reads the status first
        }
        return summarize(executed: executed, busy: busy)
    }

    /// Time left for `remaining` runs of about `secondsPerRun` each, taken in waves of `processes`
    /// at once; nil when nothing remains.
    static func sweepETA(remaining: Int, secondsPerRun: Double, processes: Int) -> Double? {
        guard remaining > 0 else { return nil }
        let p = max(1, processes)
        return secondsPerRun * Double((remaining + p - 1) / p)
    }

    func summarize(executed: [String], busy: [String]) -> Summary {
        var s = Summary(executed: executed, busy: busy)
        for spec in runs {
            switch run(spec).status {
            case .complete: s.complete.append(spec.id)
            case .failed: s.failed.append(spec.id)
            default: break
            }
        }
        return s
    }

    func spawnWorkers(executable: String, threads: Int, progress: SweepProgress) throws {
        var workers: [Process] = []
        for _ in 0..<options.jobs {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: executable)
            var args = ["worker", plan.file, "--results", options.results, "--threads", String(threads),
                        "--shared-by", String(options.jobs), "--parent", String(getpid())]
            if let s = options.shard { args += ["--shard", s.description] }
            for id in options.only { args += ["--only", id] }
            p.arguments = args
            try p.run()
            workers.append(p)
        }
        WorkerGroup(workers).waitUntilExit()
        if let bad = workers.first(where: { $0.terminationStatus != 0 }) {
            throw WorkerError(message: "a worker process exited with status \(bad.terminationStatus)")
        }
    }
}

/// `--only` (or `sweep data --run`) names a run the experiment does not have.
public struct SweepSelectionError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

public struct WorkerError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
