import XCTest
import Foundation
@testable import Experiments

/// A worker notices that the sweep which started it is gone (its parent changed).
final class ParentWatchTests: XCTestCase {
    /// Watching a process that is not this one's parent is the situation after the sweep died:
    /// the watch reports it, once.
    func testReportsALostParent() {
        let lost = expectation(description: "parent reported gone")  // a second fulfil fails the test
        let watch = ParentWatch.start(parent: getppid() &+ 1, interval: 0.01) { lost.fulfill() }
        wait(for: [lost], timeout: 10)
        watch.cancel()
    }

    /// While the parent lives, the watch stays quiet.
    func testQuietWhileTheParentLives() {
        let lost = expectation(description: "parent reported gone")
        lost.isInverted = true
        let watch = ParentWatch.start(parent: getppid(), interval: 0.01) { lost.fulfill() }
        wait(for: [lost], timeout: 0.3)
        watch.cancel()
    }
}
