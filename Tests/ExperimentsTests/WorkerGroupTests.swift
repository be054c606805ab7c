import XCTest
@testable import Experiments

/// A signal to the sweep reaches its worker processes (here: `sleep` processes).
final class WorkerGroupTests: XCTestCase {
    override func tearDown() {
        WorkerGroup.exitsOnSignal = true
        for sig in WorkerGroup.signals { signal(sig, SIG_DFL) }
    }

    func sleepers(_ n: Int) throws -> [Process] {
        try (0..<n).map { _ in
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/sleep")
            p.arguments = ["30"]
            try p.run()
            return p
        }
    }

    func testSignalStopsEveryWorker() throws {
        WorkerGroup.exitsOnSignal = false
        for sig in WorkerGroup.signals {
            let workers = try sleepers(2)
            let group = WorkerGroup(workers)
            raise(sig)
            XCTAssertEqual(WorkerGroup.lastSignal, sig)
            group.waitUntilExit()
            for p in workers {
                XCTAssertEqual(p.terminationReason, .uncaughtSignal)
                XCTAssertEqual(p.terminationStatus, SIGTERM)
            }
        }
    }

    /// Without a signal the group just waits, and the signals get their default handling back.
    func testWaitsForWorkersThatFinish() throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/true")
        try p.run()
        WorkerGroup([p]).waitUntilExit()
        XCTAssertEqual(p.terminationReason, .exit)
        XCTAssertEqual(p.terminationStatus, 0)
        XCTAssertEqual(WorkerGroup.lastSignal, 0)
        for sig in WorkerGroup.signals {
            var action = sigaction()
            sigaction(sig, nil, &action)
            XCTAssertNil(unsafeBitCast(action.__sigaction_handler.sa_handler, to: Optional<UnsafeRawPointer>.self))
        }
    }
}
