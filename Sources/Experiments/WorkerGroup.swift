import Foundation

/// The worker processes of a `jobs` > 1 sweep, which a SIGINT or SIGTERM sent to the sweep
/// reaches too: on either, every worker gets SIGTERM, a line goes to standard error and the
/// sweep exits with 128 + the signal. Without it, `kill` of the sweep alone left its workers
/// training, holding their runs' locks, beside a resumed sweep. A run stopped this way is not
/// finished; the next `sweep run` of the file starts it again.
///
/// The handler is a C signal handler that only calls kill, write and _exit (async-signal-safe),
/// reading process ids written before it is installed.
struct WorkerGroup {
    static let signals: [Int32] = [SIGINT, SIGTERM]
    /// Tests set this to false: the handler then forwards the signal and records it, but the
    /// process goes on.
    nonisolated(unsafe) static var exitsOnSignal = true
    /// The last signal the handler forwarded (0: none).
    nonisolated(unsafe) static var lastSignal: Int32 = 0

    private let processes: [Process]

    init(_ processes: [Process]) {
        self.processes = processes
        let pids = UnsafeMutablePointer<pid_t>.allocate(capacity: max(processes.count, 1))
        for (i, p) in processes.enumerated() { pids[i] = p.processIdentifier }
        forwardCount = 0
        forwardPIDs = pids
        forwardCount = processes.count
        WorkerGroup.lastSignal = 0
        for sig in WorkerGroup.signals { signal(sig, forwardSignal) }
    }

    /// Waits for every worker, then gives SIGINT and SIGTERM their default handling back and
    /// frees the process ids.
    func waitUntilExit() {
        for p in processes { p.waitUntilExit() }
        for sig in WorkerGroup.signals { signal(sig, SIG_DFL) }
        forwardCount = 0
        forwardPIDs?.deallocate()
        forwardPIDs = nil
    }
}

nonisolated(unsafe) private var forwardPIDs: UnsafeMutablePointer<pid_t>? = nil
nonisolated(unsafe) private var forwardCount = 0
private let stoppedMessage: StaticString =
    "\nsweep: stopped by a signal, and its worker processes with it. Finished runs are kept; the same command resumes the rest.\n"

private func forwardSignal(_ sig: Int32) {
    if let pids = forwardPIDs {
        for i in 0..<forwardCount { kill(pids[i], SIGTERM) }
    }
    WorkerGroup.lastSignal = sig
    if WorkerGroup.exitsOnSignal {
        _ = write(2, stoppedMessage.utf8Start, stoppedMessage.utf8CodeUnitCount)
        _exit(128 + sig)
    }
}
