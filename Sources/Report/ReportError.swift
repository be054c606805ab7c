import Foundation

/// Failures of the report, each naming the file and the field involved.
public enum ReportError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// A run log lacks a field the report needs, or holds it in an unusable form.
    case badLog(file: String, field: String, problem: String)
    /// The results directory does not exist or cannot be listed.
    case resultsUnreadable(path: String, problem: String)
    /// An output could not be written.
    case writeFailed(path: String, problem: String)

    public var description: String {
        switch self {
        case .badLog(let file, let field, let problem): return "\(file): \(field): \(problem)"
        case .resultsUnreadable(let path, let problem): return "\(path): cannot read results: \(problem)"
        case .writeFailed(let path, let problem): return "\(path): cannot write: \(problem)"
        }
    }

    public var errorDescription: String? { description }
}

/// Writes `text` to `path` through a temporary file in the same folder and a rename, so a
/// reader sees the old file or the new one, never a partial one.
func writeAtomically(_ text: String, to path: String) throws {
    let url = URL(fileURLWithPath: path)
    let temporary = url.deletingLastPathComponent()
        .appendingPathComponent(".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)")
    do {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: temporary)
        if rename(temporary.path, url.path) != 0 {
            throw ReportError.writeFailed(path: path, problem: String(cString: strerror(errno)))
        }
    } catch let e as ReportError {
        try? FileManager.default.removeItem(at: temporary)
        throw e
    } catch {
        try? FileManager.default.removeItem(at: temporary)
        throw ReportError.writeFailed(path: path, problem: error.localizedDescription)
    }
}
