import Foundation
import TensorCore

/// A checkpoint file: named float32 tensors, bit-exact.
///
/// Format (little-endian): magic "QSCK", UInt32 version (1), UInt32 count, then per tensor:
/// UInt32 name length, UTF-8 name, UInt32 rank, rank x Int64 dims, count x Float32 values.
/// Written to a temporary name and renamed, so a crash never leaves a half-written file.
public enum Checkpoint {
    public struct FormatError: Error, CustomStringConvertible {
        public let path: String, reason: String
        public var description: String { "checkpoint \(path): \(reason)" }
    }

    public static func save(_ tensors: [(String, Tensor)], to path: String) throws {
        var d = Data()
        func u32(_ x: Int) { var v = UInt32(x).littleEndian; withUnsafeBytes(of: &v) { d.append(contentsOf: $0) } }
        d.append(contentsOf: Array("QSCK".utf8))
        u32(1); u32(tensors.count)
        for (name, t) in tensors {
            let nb = Array(name.utf8)
            u32(nb.count); d.append(contentsOf: nb)
            u32(t.rank)
            for s in t.shape { var v = Int64(s).littleEndian; withUnsafeBytes(of: &v) { d.append(contentsOf: $0) } }
            t.data.withUnsafeBufferPointer { b in
                for x in b { var v = x.bitPattern.littleEndian; withUnsafeBytes(of: &v) { d.append(contentsOf: $0) } }
            }
        }
        let tmp = path + ".tmp-\(ProcessInfo.processInfo.processIdentifier)"
        try d.write(to: URL(fileURLWithPath: tmp))
        if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
        try FileManager.default.moveItem(atPath: tmp, toPath: path)
    }

    /// Reads all tensors of a checkpoint, in file order.
    public static func load(from path: String) throws -> [(String, Tensor)] {
        guard let d = FileManager.default.contents(atPath: path) else {
            throw FormatError(path: path, reason: "cannot be read (missing or unreadable)")
        }
        var pos = 0
        func bytes(_ n: Int) throws -> Data {
            guard pos + n <= d.count else { throw FormatError(path: path, reason: "truncated at byte \(pos)") }
            defer { pos += n }
            return d.subdata(in: pos..<(pos + n))
        }
        func u32() throws -> Int { Int(UInt32(littleEndian: try bytes(4).withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) })) }
        guard try bytes(4) == Data("QSCK".utf8) else { throw FormatError(path: path, reason: "not a checkpoint (bad magic)") }
        let version = try u32()
        guard version == 1 else { throw FormatError(path: path, reason: "unsupported version \(version) (expected 1)") }
        let n = try u32()
        var out: [(String, Tensor)] = []
        for _ in 0..<n {
            let name = String(decoding: try bytes(try u32()), as: UTF8.self)
            let rank = try u32()
            var shape: [Int] = []
            for _ in 0..<rank { shape.append(Int(Int64(littleEndian: try bytes(8).withUnsafeBytes { $0.loadUnaligned(as: Int64.self) }))) }
            let count = shape.reduce(1, *)
            let raw = try bytes(count * 4)
            let values: [Float] = raw.withUnsafeBytes { b in
                (0..<count).map { Float(bitPattern: UInt32(littleEndian: b.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
            }
            out.append((name, Tensor(values, shape: shape)))
        }
        return out
    }

    /// Copies a checkpoint's values into a module's parameters, matching by name and shape.
    public static func restore(_ module: Module, from path: String) throws {
        let saved = Dictionary(try load(from: path), uniquingKeysWith: { a, _ in a })
        for (name, p) in module.namedParameters {
            guard let t = saved[name] else { throw FormatError(path: path, reason: "has no tensor named '\(name)'") }
            guard t.shape == p.shape else {
                throw FormatError(path: path, reason: "tensor '\(name)' has shape \(t.shape), the model expects \(p.shape)")
            }
            p.data = t.data
        }
    }
}
