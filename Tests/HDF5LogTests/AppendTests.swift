import XCTest
@testable import HDF5Log

final class AppendTests: TemporaryDirectoryTestCase {
    func testAppendGrowsEachKind() throws {
        let file = path("append.h5")
        do {
            let h5 = try HDF5File.create(file)
            try h5.createAppendable("train/step", kind: .int64, chunk: 3)
            for step in 0..<10 { try h5.append([Int64(step)], to: "train/step") }
            try h5.append([1.0, 2.0], to: "train/loss")  // created on first append
            try h5.append([Double](), to: "train/loss")
            try h5.append([3.0], to: "train/loss")
            try h5.append([Float(0.5)], to: "tokens/nll")
            try h5.append([Float](repeating: 0.25, count: 5000), to: "tokens/nll")
        }
        let h5 = try HDF5File.openReadOnly(file)
        XCTAssertEqual(try h5.readInt64s("train/step"), (0..<10).map(Int64.init))
        XCTAssertEqual(try h5.readColumn("train/loss"), .double([1, 2, 3]))
        let nll = try h5.readFloats("tokens/nll")
        XCTAssertEqual(nll.count, 5001)
        XCTAssertEqual(nll.first, 0.5)
        XCTAssertEqual(nll.last, 0.25)
    }

    func testAppendRefusesWrongTypeAndFixedSizeDatasets() throws {
        let file = path("bad-append.h5")
        let h5 = try HDF5File.create(file)
        try h5.append([1.0], to: "d")
        XCTAssertThrowsError(try h5.append([Float(1)], to: "d")) { error in
            XCTAssertEqual((error as? HDF5Error)?.object, "/d")
        }
        try h5.write([1.0, 2.0], to: "fixed")
        XCTAssertThrowsError(try h5.append([3.0], to: "fixed")) { error in
            XCTAssertEqual((error as? HDF5Error)?.object, "/fixed")
            XCTAssertTrue("\(error)".contains("cannot grow"), "\(error)")
        }
        XCTAssertEqual(try h5.readDoubles("fixed"), [1, 2])
        XCTAssertThrowsError(try h5.createAppendable("z", kind: .float, chunk: 0))
    }
}
