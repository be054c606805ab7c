import XCTest
@testable import QuietSTaR
final class QuietSTaRSmokeTests: XCTestCase { func testBuilds() {} }
