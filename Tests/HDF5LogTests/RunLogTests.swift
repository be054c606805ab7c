import XCTest
@testable import HDF5Log

final class RunLogTests: TemporaryDirectoryTestCase {
    static func sample() -> RunLog {
        RunLog(
            attributes: [
                "config": .string(#"{"thoughtLength": 8, "lr": 0.0003}"#),
                "status": .string("complete"),
                "software_version": .string("0.1.0"),
                "experiment": .string("fig2"),
                "run": .string("fig2/quietstar/seed1"),
                "method": .string("quietstar"),
                "seed": .int(1),
                "thoughtLength": .int(8),
                "rationales": .int(4),
                "nTrue": .int(12),
                "temperature": .double(0.75),
            ],
            groups: [
                "train": [
                    "step": .int([0, 10, 20]),
                    "loss": .double([2.5, 2.25, 2.0]),
                    "nll_base": .float([2.5, 2.4, 2.3]),
                ],
                "eval": ["accuracy": .double([0.125])],
                "tokens": ["nll": .float((0..<100_000).map { Float($0 % 97) / 7 })],
                "thoughts": ["text": .string(["", "so x = 3 ⇒ y = 9", "思考"])],
                "empty": [:],
            ])
    }

    func testRoundTripOfEveryKind() throws {
        let file = path("run.h5")
        let log = RunLogTests.sample()
        try log.write(to: file)
        XCTAssertEqual(try RunLog.read(from: file), log)
    }

    func testEmptyLogAndEmptyColumnsRoundTrip() throws {
        let file = path("empty.h5")
        let log = RunLog(groups: ["train": ["loss": .double([]), "step": .int([]),
                                            "f": .float([]), "s": .string([])]])
        try log.write(to: file)
        XCTAssertEqual(try RunLog.read(from: file), log)
        try RunLog().write(to: file)
        XCTAssertEqual(try RunLog.read(from: file), RunLog())
    }

    func testWriteReplacesExistingFileAndLeavesNoTemporary() throws {
        let file = path("replace.h5")
        var log = RunLogTests.sample()
        try log.write(to: file)
        log.attributes["status"] = .string("failed: loss was NaN")
        log.groups["train"]!["loss"] = .double([1, 2, 3, 4])
        log.groups["eval"] = nil
        try log.write(to: file)
        XCTAssertEqual(try RunLog.read(from: file), log)
        XCTAssertFalse(FileManager.default.fileExists(atPath: RunLog.temporaryPath(for: file)))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["replace.h5"])
    }

    func testFailedWriteLeavesExistingFileAndNoTemporary() throws {
        let file = path("keep.h5")
        let good = RunLog(attributes: ["status": .string("complete")])
        try good.write(to: file)
        let bad = RunLog(groups: ["train": ["bad": .string(["nul\u{0}inside"])]])
        XCTAssertThrowsError(try bad.write(to: file)) { error in
            XCTAssertEqual((error as? HDF5Error)?.object, "/train/bad")
        }
        XCTAssertEqual(try RunLog.read(from: file), good)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["keep.h5"])
    }

    func testInvalidNamesAreRejectedByName() {
        let file = path("names.h5")
        XCTAssertThrowsError(try RunLog(groups: ["a/b": [:]]).write(to: file)) { error in
            XCTAssertEqual((error as? HDF5Error)?.object, "/a/b")
        }
        XCTAssertThrowsError(try RunLog(groups: ["train": ["": .int([])]]).write(to: file)) { error in
            XCTAssertEqual((error as? HDF5Error)?.object, "/train/")
        }
        XCTAssertThrowsError(try RunLog(attributes: ["": .int(1)]).write(to: file))
        XCTAssertFalse(FileManager.default.fileExists(atPath: file))
    }

    func testWriteIntoMissingDirectoryNamesTheFile() {
        let file = path("no-such-dir/run.h5")
        XCTAssertThrowsError(try RunLog().write(to: file)) { error in
            XCTAssertTrue("\(error)".contains("no-such-dir/run.h5"), "\(error)")
        }
    }

    func testReadingMissingFileNamesIt() {
        let file = path("absent.h5")
        XCTAssertThrowsError(try RunLog.read(from: file)) { error in
            XCTAssertEqual((error as? HDF5Error)?.file, file)
            XCTAssertEqual((error as? HDF5Error)?.message, "no such file")
        }
    }
}
