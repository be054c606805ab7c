import XCTest
@testable import SyntheticData
final class SyntheticDataSmokeTests: XCTestCase { func testBuilds() {} }
