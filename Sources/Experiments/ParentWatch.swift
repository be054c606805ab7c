import Foundation

/// A worker process of a `--jobs N` sweep stops when its sweep is gone. `WorkerGroup` covers
/// the signals a sweep can catch; a sweep killed by SIGKILL (or crashing) cannot tell its
/// workers, so each worker watches instead: once its parent is no longer the sweep that started
/// it (the system re-parents orphans), it stops as if the sweep had sent SIGTERM. A run stopped
/// this way is not finished; the next `sweep run` of the file starts it again.
public final class ParentWatch: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelled = false

    /// Checks every `interval` seconds, on a background thread, whether this process's parent is
    /// still `parent`; the first time it is not, calls `onLoss` once and stops checking.
    @discardableResult
    public static func start(parent: pid_t, interval: TimeInterval = 1,
                             onLoss: @escaping @Sendable () -> Void = ParentWatch.stopWorker) -> ParentWatch {
        let watch = ParentWatch()
        let thread = Thread {
            while !watch.isCancelled {
                if getppid() != parent { onLoss(); return }
                Thread.sleep(forTimeInterval: interval)
            }
        }
        thread.name = "parent-watch"
        thread.start()
        return watch
    }

    /// Stops checking (within one interval); `onLoss` is not called afterwards.
    public func cancel() { lock.lock(); cancelled = true; lock.unlock() }

    private var isCancelled: Bool { lock.lock(); defer { lock.unlock() }; return cancelled }

    /// Writes one line to standard error and ends this process with SIGTERM, the signal the
    /// sweep would have forwarded.
    @Sendable public static func stopWorker() {
        FileHandle.standardError.write(Data(
            "sweep worker \(getpid()): its sweep is gone; stopping (the next sweep run resumes this run)\n".utf8))
        signal(SIGTERM, SIG_DFL)
        kill(getpid(), SIGTERM)
    }
}
