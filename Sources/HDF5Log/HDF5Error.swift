import CHDF5
import Foundation

/// An HDF5 failure, reported as `<file>: <object path>: <message> [(<library detail>)]`.
///
/// `file` is the path the file was opened or created with; `object` is the absolute path of
/// the group, dataset or attribute involved (`/` for the file itself, `/train/loss`,
/// `/@config` for an attribute on the root). `detail` is the innermost message of HDF5's own
/// error stack, when the library produced one.
public struct HDF5Error: Error, Equatable, CustomStringConvertible, LocalizedError {
    public let file: String
    public let object: String
    public let message: String
    public let detail: String?

    public init(file: String, object: String, message: String, detail: String? = nil) {
        self.file = file
        self.object = object
        self.message = message
        self.detail = detail
    }

    public var description: String {
        var text = "\(file): \(object): \(message)"
        if let detail, !detail.isEmpty { text += " (\(detail))" }
        return text
    }

    public var errorDescription: String? { description }

    /// An error for `object` in `file`, taking the detail from HDF5's current error stack.
    static func fromLibrary(file: String, object: String, message: String) -> HDF5Error {
        HDF5Error(file: file, object: object, message: message, detail: innermostLibraryMessage())
    }
}

/// The deepest entry of HDF5's default error stack as `function: description`, or nil.
private func innermostLibraryMessage() -> String? {
    final class Collector { var entries: [String] = [] }
    let collector = Collector()
    let walker: H5E_walk2_t = { _, errorPointer, clientData in
        guard let errorPointer, let clientData else { return 0 }
        let box = Unmanaged<Collector>.fromOpaque(clientData).takeUnretainedValue()
        let entry = errorPointer.pointee
        let function = entry.func_name.map { String(cString: $0) } ?? "?"
        let text = entry.desc.map { String(cString: $0) } ?? ""
        box.entries.append("\(function): \(text)")
        return 0
    }
    let context = Unmanaged.passUnretained(collector).toOpaque()
    _ = H5Ewalk2(qs_H5E_DEFAULT(), H5E_WALK_UPWARD, walker, context)
    withExtendedLifetime(collector) {}
    return collector.entries.first
}

/// Serialises every call into libhdf5 (the Debian serial build is not thread-safe) and keeps
/// HDF5 from printing its error stack to stderr: failures surface only as `HDF5Error`.
private let libraryLock = NSRecursiveLock()

func withHDF5<T>(_ body: () throws -> T) rethrows -> T {
    libraryLock.lock()
    defer { libraryLock.unlock() }
    // Cheap, and per-thread in thread-safe builds, so it is set on every entry.
    _ = H5Eset_auto2(qs_H5E_DEFAULT(), nil, nil)
    return try body()
}
