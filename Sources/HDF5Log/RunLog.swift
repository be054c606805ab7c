import Foundation

/// One training run's log, held in memory and written whole.
///
/// Format on disk: every entry of `attributes` is a scalar attribute on the root group
/// (`config`, `status`, `seed`, ...); every key of `groups` is a group directly under the
/// root (`train`, `eval`, `tokens`, `thoughts`), and every column in it a 1-D dataset of the
/// same name (see `Column`). Group, column and attribute names must be non-empty and contain
/// no `/` (and may not be `.`). Reading ignores datasets at the root and groups nested
/// deeper than one level, which a `RunLog` cannot hold.
///
/// `write(to:)` writes `<path>.tmp-<pid>` and renames it over `path`, so a reader sees
/// either the previous complete file or the new complete file, never a partial one.
public struct RunLog: Equatable, Sendable {
    public var attributes: [String: AttributeValue]
    public var groups: [String: [String: Column]]

    public init(attributes: [String: AttributeValue] = [:], groups: [String: [String: Column]] = [:]) {
        self.attributes = attributes
        self.groups = groups
    }

    /// The temporary file `write(to:)` writes before renaming it to `path`.
    public static func temporaryPath(for path: String) -> String {
        "\(path).tmp-\(ProcessInfo.processInfo.processIdentifier)"
    }

    /// Writes the whole log to `path` atomically (temporary file, fsync, rename).
    /// On failure the temporary file is removed and any existing file at `path` is untouched.
    public func write(to path: String) throws {
        try validate(path)
        let temporary = RunLog.temporaryPath(for: path)
        do {
            let file = try HDF5File.create(temporary)
            for name in attributes.keys.sorted() {
                try file.setAttribute(name, attributes[name]!)
            }
            for group in groups.keys.sorted() {
                try file.createGroup(group)
                let columns = groups[group]!
                for name in columns.keys.sorted() {
                    try file.write(columns[name]!, to: "\(group)/\(name)")
                }
            }
            try file.close()
            try RunLog.syncToDisk(temporary)
            guard rename(temporary, path) == 0 else {
                throw HDF5Error(file: path, object: "/",
                                message: "cannot rename \(temporary) into place: \(String(cString: strerror(errno)))")
            }
        } catch {
            unlink(temporary)
            throw error
        }
    }

    /// Reads a log written by `write(to:)` (or any file with the same layout).
    public static func read(from path: String) throws -> RunLog {
        let file = try HDF5File.openReadOnly(path)
        defer { try? file.close() }
        var log = RunLog(attributes: try file.attributes())
        for group in try file.groupNames() {
            var columns: [String: Column] = [:]
            for name in try file.datasetNames(in: group) {
                columns[name] = try file.readColumn("\(group)/\(name)")
            }
            log.groups[group] = columns
        }
        return log
    }

    /// Throws an `HDF5Error` naming the first invalid group, column or attribute name.
    private func validate(_ path: String) throws {
        func check(_ name: String, _ object: String) throws {
            if name.isEmpty || name == "." || name.contains("/") || name.utf8.contains(0) {
                throw HDF5Error(file: path, object: object,
                                message: "invalid name \"\(name)\": must be non-empty, not \".\", without \"/\" or NUL")
            }
        }
        for name in attributes.keys { try check(name, "/@\(name)") }
        for (group, columns) in groups {
            try check(group, "/\(group)")
            for name in columns.keys { try check(name, "/\(group)/\(name)") }
        }
    }

    /// Flushes the file's data to stable storage before it is renamed into place.
    private static func syncToDisk(_ path: String) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw HDF5Error(file: path, object: "/", message: "cannot reopen to sync: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        guard fsync(fd) == 0 else {
            throw HDF5Error(file: path, object: "/", message: "fsync failed: \(String(cString: strerror(errno)))")
        }
    }
}
