import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An exclusive advisory lock on a file (`flock`), released on `unlock()`, on deinit, or by the
/// kernel when the process dies (even by kill -9): a lock file left behind by a dead process is
/// never "stale". The holder's pid is written into the file for people to read.
public final class FileLock {
    public let path: String
    private var fd: Int32

    private init(path: String, fd: Int32) { self.path = path; self.fd = fd }

    /// Takes the lock without waiting; nil if another process (or another open of the file)
    /// holds it.
    public static func tryLock(_ path: String) throws -> FileLock? { try lock(path, wait: false) }

    /// Takes the lock, waiting as long as another process holds it.
    public static func wait(_ path: String) throws -> FileLock { try lock(path, wait: true)! }

    private static func lock(_ path: String, wait: Bool) throws -> FileLock? {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw LockError(path: path, reason: String(cString: strerror(errno))) }
        while flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0 {
            if errno == EINTR { continue }
            let e = errno
            close(fd)
            if e == EWOULDBLOCK { return nil }
            throw LockError(path: path, reason: String(cString: strerror(e)))
        }
        let pid = "\(getpid())\n"
        _ = ftruncate(fd, 0)
        _ = pid.withCString { write(fd, $0, strlen($0)) }
        return FileLock(path: path, fd: fd)
    }

    public func unlock() {
        guard fd >= 0 else { return }
        close(fd)  // releases the flock
        fd = -1
    }

    deinit { unlock() }
}

public struct LockError: Error, CustomStringConvertible {
    public let path: String, reason: String
    public var description: String { "cannot lock \(path): \(reason)" }
}
