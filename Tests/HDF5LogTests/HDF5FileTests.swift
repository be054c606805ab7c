import XCTest
@testable import HDF5Log

final class HDF5FileTests: TemporaryDirectoryTestCase {
    func testEveryDatasetKindRoundTrips() throws {
        let file = path("kinds.h5")
        let doubles: [Double] = [0, -1.5, .pi, 1e300, -.infinity, .leastNonzeroMagnitude]
        let floats: [Float] = [1, 2.5, -3.25, .greatestFiniteMagnitude]
        let ints: [Int64] = [.min, -1, 0, 42, .max]
        let strings = ["plain", "", "ünïcødé ✓", "日本語テキスト", "emoji 🧠💭", "tab\tnew\nline"]
        do {
            let h5 = try HDF5File.create(file)
            try h5.write(doubles, to: "train/loss")
            try h5.write(floats, to: "/tokens/nll")
            try h5.write(ints, to: "train/step")
            try h5.write(strings, to: "thoughts/text")
            try h5.close()
        }
        let h5 = try HDF5File.openReadOnly(file)
        XCTAssertEqual(try h5.readDoubles("train/loss"), doubles)
        XCTAssertEqual(try h5.readFloats("tokens/nll"), floats)
        XCTAssertEqual(try h5.readInt64s("/train/step"), ints)
        XCTAssertEqual(try h5.readStrings("thoughts/text"), strings)
        XCTAssertEqual(try h5.readColumn("train/loss"), .double(doubles))
        XCTAssertEqual(try h5.readColumn("tokens/nll"), .float(floats))
        XCTAssertEqual(try h5.readColumn("train/step"), .int(ints))
        XCTAssertEqual(try h5.readColumn("thoughts/text"), .string(strings))
        XCTAssertEqual(try h5.groupNames(), ["thoughts", "tokens", "train"])
        XCTAssertEqual(try h5.datasetNames(in: "train"), ["loss", "step"])
        XCTAssertEqual(try h5.datasetNames(), [])
        XCTAssertEqual(try h5.count(of: "tokens/nll"), floats.count)
    }

    func testNaNSurvives() throws {
        let file = path("nan.h5")
        let h5 = try HDF5File.create(file)
        try h5.write([Double.nan, 1], to: "x")
        let back = try h5.readDoubles("x")
        XCTAssertTrue(back[0].isNaN)
        XCTAssertEqual(back[1], 1)
    }

    func testEmptyDatasetsRoundTrip() throws {
        let file = path("empty.h5")
        do {
            let h5 = try HDF5File.create(file)
            try h5.write([Double](), to: "e/d")
            try h5.write([Float](), to: "e/f")
            try h5.write([Int64](), to: "e/i")
            try h5.write([String](), to: "e/s")
        }
        let h5 = try HDF5File.openReadOnly(file)
        XCTAssertEqual(try h5.readColumn("e/d"), .double([]))
        XCTAssertEqual(try h5.readColumn("e/f"), .float([]))
        XCTAssertEqual(try h5.readColumn("e/i"), .int([]))
        XCTAssertEqual(try h5.readColumn("e/s"), .string([]))
        XCTAssertEqual(try h5.datasetNames(in: "e"), ["d", "f", "i", "s"])
    }

    func testLargeFloatArrayRoundTripsAndIsCompressed() throws {
        let file = path("large.h5")
        // Smooth values compress well once byte-shuffled; checks the deflate filter is on.
        let values = (0..<100_000).map { Float(($0 % 1000)) * 0.5 }
        do {
            let h5 = try HDF5File.create(file)
            try h5.write(values, to: "tokens/loss")
        }
        XCTAssertEqual(try HDF5File.openReadOnly(file).readFloats("tokens/loss"), values)
        let size = try FileManager.default.attributesOfItem(atPath: file)[.size] as! Int
        XCTAssertLessThan(size, values.count * 4 / 2, "expected compressed storage, file is \(size) bytes")
    }

    func testAttributesRoundTripOnRootAndGroup() throws {
        let file = path("attrs.h5")
        do {
            let h5 = try HDF5File.create(file)
            try h5.setAttribute("config", .string(#"{"lr": 0.001, "name": "α-β"}"#))
            try h5.setAttribute("seed", .int(-7))
            try h5.setAttribute("lr", .double(1e-3))
            try h5.setAttribute("empty", .string(""))
            try h5.setAttribute("status", .string("running"))
            try h5.setAttribute("status", .string("complete"))  // replaces
            try h5.createGroup("train")
            try h5.setAttribute("unit", .string("nats"), on: "train")
        }
        let h5 = try HDF5File.openReadOnly(file)
        XCTAssertEqual(try h5.attributeNames(), ["config", "empty", "lr", "seed", "status"])
        XCTAssertEqual(try h5.attribute("config"), .string(#"{"lr": 0.001, "name": "α-β"}"#))
        XCTAssertEqual(try h5.attribute("seed"), .int(-7))
        XCTAssertEqual(try h5.attribute("lr"), .double(1e-3))
        XCTAssertEqual(try h5.attribute("empty"), .string(""))
        XCTAssertEqual(try h5.attribute("status"), .string("complete"))
        XCTAssertEqual(try h5.attributes(of: "/train"), ["unit": .string("nats")])
    }

    func testCreateGroupIsIdempotentAndNested() throws {
        let h5 = try HDF5File.create(path("groups.h5"))
        try h5.createGroup("a/b/c")
        try h5.createGroup("a/b")
        XCTAssertTrue(h5.exists("/a/b/c"))
        XCTAssertFalse(h5.exists("a/x/c"))
        XCTAssertEqual(try h5.groupNames(in: "a"), ["b"])
        try h5.write([1.0], to: "a/d")
        XCTAssertThrowsError(try h5.createGroup("a/d")) { error in
            XCTAssertEqual((error as? HDF5Error)?.object, "/a/d")
        }
    }

    func testMissingFileErrorNamesTheFile() {
        let file = path("does-not-exist.h5")
        XCTAssertThrowsError(try HDF5File.openReadOnly(file)) { error in
            let e = error as? HDF5Error
            XCTAssertEqual(e?.file, file)
            XCTAssertTrue("\(error)".contains("does-not-exist.h5"), "\(error)")
        }
    }

    func testNonHDF5FileIsRejectedByName() throws {
        let file = path("text.h5")
        try "not hdf5".write(toFile: file, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try HDF5File.openReadOnly(file)) { error in
            XCTAssertEqual((error as? HDF5Error)?.file, file)
            XCTAssertTrue("\(error)".contains("not an HDF5 file"), "\(error)")
        }
    }

    func testMissingDatasetAndAttributeErrorsNameThem() throws {
        let file = path("missing.h5")
        let h5 = try HDF5File.create(file)
        try h5.write([1.0, 2.0], to: "train/loss")
        XCTAssertThrowsError(try h5.readDoubles("train/nll_base")) { error in
            let e = error as? HDF5Error
            XCTAssertEqual(e?.file, file)
            XCTAssertEqual(e?.object, "/train/nll_base")
            XCTAssertTrue("\(error)".contains("/train/nll_base"), "\(error)")
        }
        XCTAssertThrowsError(try h5.readDoubles("nogroup/x")) { error in
            XCTAssertEqual((error as? HDF5Error)?.object, "/nogroup/x")
        }
        XCTAssertThrowsError(try h5.attribute("seed")) { error in
            XCTAssertEqual((error as? HDF5Error)?.object, "/@seed")
        }
        XCTAssertThrowsError(try h5.datasetNames(in: "eval")) { error in
            XCTAssertEqual((error as? HDF5Error)?.object, "/eval")
        }
    }

    func testTypeMismatchesAreErrors() throws {
        let h5 = try HDF5File.create(path("types.h5"))
        try h5.write(["a"], to: "s")
        try h5.write([1.5], to: "d")
        try h5.createGroup("g")
        XCTAssertThrowsError(try h5.readDoubles("s")) { XCTAssertTrue("\($0)".contains("strings"), "\($0)") }
        XCTAssertThrowsError(try h5.readStrings("d")) { XCTAssertTrue("\($0)".contains("numbers"), "\($0)") }
        XCTAssertThrowsError(try h5.readInt64s("d")) { XCTAssertTrue("\($0)".contains("not integers"), "\($0)") }
        XCTAssertThrowsError(try h5.readDoubles("g")) { XCTAssertTrue("\($0)".contains("not a dataset"), "\($0)") }
        XCTAssertEqual(try h5.readFloats("d"), [1.5])
    }

    func testWritingTwiceOrReadOnlyOrAfterCloseIsAnError() throws {
        let file = path("rules.h5")
        do {
            let h5 = try HDF5File.create(file)
            try h5.write([1.0], to: "x")
            XCTAssertThrowsError(try h5.write([2.0], to: "x")) {
                XCTAssertTrue("\($0)".contains("already exists"), "\($0)")
            }
            XCTAssertThrowsError(try h5.write(["a\u{0}b"], to: "y")) {
                XCTAssertTrue("\($0)".contains("NUL"), "\($0)")
            }
            try h5.close()
            try h5.close()
            XCTAssertThrowsError(try h5.readDoubles("x")) { XCTAssertTrue("\($0)".contains("closed"), "\($0)") }
        }
        let h5 = try HDF5File.openReadOnly(file)
        XCTAssertThrowsError(try h5.write([1.0], to: "z")) {
            XCTAssertTrue("\($0)".contains("read-only"), "\($0)")
        }
        XCTAssertThrowsError(try h5.setAttribute("a", .int(1))) {
            XCTAssertTrue("\($0)".contains("read-only"), "\($0)")
        }
    }

    func testCreateTruncatesExistingFile() throws {
        let file = path("trunc.h5")
        do {
            let h5 = try HDF5File.create(file)
            try h5.write([1.0], to: "old")
        }
        do {
            let h5 = try HDF5File.create(file)
            try h5.write([2.0], to: "new")
        }
        XCTAssertEqual(try HDF5File.openReadOnly(file).datasetNames(), ["new"])
    }
}
