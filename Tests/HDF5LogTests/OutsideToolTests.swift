import Foundation
import XCTest
@testable import HDF5Log

/// Files must read in outside tools: `h5dump` (hdf5-tools) and, when installed, h5py.
final class OutsideToolTests: TemporaryDirectoryTestCase {
    static func smallLog() -> RunLog {
        RunLog(
            attributes: [
                "config": .string(#"{"lr":0.001}"#),
                "status": .string("complete"),
                "seed": .int(1234567),
                "temperature": .double(0.625),
            ],
            groups: [
                "train": ["step": .int([0, 10, 20]), "loss": .double([2.5, 2.25, 2.125])],
                "tokens": ["nll": .float([0.5, 1.75])],
                "thoughts": ["text": .string(["first thought", "ünïcødé"])],
            ])
    }

    /// Runs `executable` with `arguments`; returns (exit status, stdout + stderr).
    func run(_ executable: String, _ arguments: [String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// The text of `output` from `marker` up to the next attribute, dataset or group header.
    func section(_ output: String, _ marker: String) -> String? {
        guard let start = output.range(of: marker) else { return nil }
        let rest = output[start.upperBound...]
        let next = ["ATTRIBUTE \"", "DATASET \"", "GROUP \""]
            .compactMap { rest.range(of: $0)?.lowerBound }.min() ?? rest.endIndex
        return String(rest[..<next])
    }

    func testH5dumpReadsAttributesAndDatasets() throws {
        let h5dump = "/usr/bin/h5dump"
        guard FileManager.default.isExecutableFile(atPath: h5dump) else {
            throw XCTSkip("\(h5dump) not installed (apt package hdf5-tools; `make deps` installs it)")
        }
        let file = path("dump.h5")
        try OutsideToolTests.smallLog().write(to: file)
        let (status, output) = try run(h5dump, [file])
        XCTAssertEqual(status, 0, output)

        let expected: [(String, [String])] = [
            ("ATTRIBUTE \"config\"", ["CSET H5T_CSET_UTF8", "STRSIZE H5T_VARIABLE", #"(0): "{"lr":0.001}""#]),
            ("ATTRIBUTE \"status\"", ["H5T_STRING", #"(0): "complete""#]),
            ("ATTRIBUTE \"seed\"", ["H5T_STD_I64LE", "(0): 1234567"]),
            ("ATTRIBUTE \"temperature\"", ["H5T_IEEE_F64LE", "(0): 0.625"]),
            ("DATASET \"loss\"", ["H5T_IEEE_F64LE", "( 3 ) / ( 3 )", "(0): 2.5, 2.25, 2.125"]),
            ("DATASET \"step\"", ["H5T_STD_I64LE", "(0): 0, 10, 20"]),
            ("DATASET \"nll\"", ["H5T_IEEE_F32LE", "(0): 0.5, 1.75"]),
            ("DATASET \"text\"", ["CSET H5T_CSET_UTF8", #"(0): "first thought""#]),
        ]
        for (marker, needles) in expected {
            guard let text = section(output, marker) else {
                XCTFail("h5dump output lacks \(marker):\n\(output)")
                continue
            }
            for needle in needles {
                XCTAssertTrue(text.contains(needle), "\(marker) lacks \(needle):\n\(text)")
            }
        }

        // Storage: chunked and deflate-compressed.
        let (propStatus, properties) = try run(h5dump, ["-p", "-H", "-d", "/train/loss", file])
        XCTAssertEqual(propStatus, 0, properties)
        XCTAssertTrue(properties.contains("CHUNKED"), properties)
        XCTAssertTrue(properties.contains("COMPRESSION DEFLATE"), properties)
    }

    func testH5pyReadsStringsAsStrAndNumbers() throws {
        let (probe, _) = try run("/usr/bin/env", ["python3", "-c", "import h5py"])
        guard probe == 0 else { throw XCTSkip("python3 with h5py not available") }
        let file = path("py.h5")
        try OutsideToolTests.smallLog().write(to: file)
        let script = """
        import sys, json, h5py
        out = {"attrs": {}, "datasets": {}, "kinds": {}}
        with h5py.File(sys.argv[1], "r") as f:
            for k, v in f.attrs.items():
                v = v.item() if hasattr(v, "item") else v
                out["attrs"][k] = v
                out["kinds"]["@" + k] = type(v).__name__
            def visit(name, obj):
                if isinstance(obj, h5py.Dataset):
                    info = h5py.check_string_dtype(obj.dtype)
                    if info is not None:
                        out["datasets"][name] = list(obj.asstr()[()])
                        out["kinds"][name] = "str:" + info.encoding
                    else:
                        out["datasets"][name] = obj[()].tolist()
                        out["kinds"][name] = str(obj.dtype)
            f.visititems(visit)
        print(json.dumps(out))
        """
        let (status, output) = try run("/usr/bin/env", ["python3", "-c", script, file])
        XCTAssertEqual(status, 0, output)
        let json = try XCTUnwrap(
            JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: [String: Any]], output)
        let attrs = try XCTUnwrap(json["attrs"]), datasets = try XCTUnwrap(json["datasets"])
        let kinds = try XCTUnwrap(json["kinds"] as? [String: String])
        XCTAssertEqual(attrs["config"] as? String, #"{"lr":0.001}"#)
        XCTAssertEqual(attrs["status"] as? String, "complete")
        XCTAssertEqual(attrs["seed"] as? Int, 1234567)
        XCTAssertEqual(attrs["temperature"] as? Double, 0.625)
        XCTAssertEqual(datasets["train/loss"] as? [Double], [2.5, 2.25, 2.125])
        XCTAssertEqual(datasets["train/step"] as? [Int], [0, 10, 20])
        XCTAssertEqual(datasets["tokens/nll"] as? [Double], [0.5, 1.75])
        XCTAssertEqual(datasets["thoughts/text"] as? [String], ["first thought", "ünïcødé"])
        XCTAssertEqual(kinds, [
            "@config": "str", "@status": "str", "@seed": "int", "@temperature": "float",
            "train/loss": "float64", "train/step": "int64", "tokens/nll": "float32",
            "thoughts/text": "str:utf-8",
        ])
    }

    func testRunLogReadsFileWrittenByH5py() throws {
        let (probe, _) = try run("/usr/bin/env", ["python3", "-c", "import h5py"])
        guard probe == 0 else { throw XCTSkip("python3 with h5py not available") }
        let file = path("from-h5py.h5")
        let script = """
        import sys, h5py, numpy as np
        with h5py.File(sys.argv[1], "w") as f:
            f.attrs["status"] = "complete"
            f.attrs["seed"] = np.int32(7)
            f.attrs["lr"] = np.float32(0.5)
            f.attrs["fixed"] = np.bytes_(b"abc")
            g = f.create_group("train")
            g["loss"] = np.array([1.5, 2.5], dtype=np.float32)
            g["nll"] = np.array([0.25], dtype=np.float64)
            g["step"] = np.array([1, 2], dtype=np.int32)
            g["text"] = ["héllo", "x"]
            g["fixedtext"] = np.array([b"ab", b"cde"], dtype="S5")
        """
        let (status, output) = try run("/usr/bin/env", ["python3", "-c", script, file])
        XCTAssertEqual(status, 0, output)
        let log = try RunLog.read(from: file)
        XCTAssertEqual(log.attributes, [
            "status": .string("complete"), "seed": .int(7), "lr": .double(0.5), "fixed": .string("abc"),
        ])
        XCTAssertEqual(log.groups, ["train": [
            "loss": .float([1.5, 2.5]), "nll": .double([0.25]), "step": .int([1, 2]),
            "text": .string(["héllo", "x"]), "fixedtext": .string(["ab", "cde"]),
        ]])
    }
}
