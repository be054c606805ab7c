import XCTest
@testable import HDF5Log
final class HDF5LogSmokeTests: XCTestCase { func testBuilds() {} }
