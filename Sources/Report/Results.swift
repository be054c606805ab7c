import Foundation
import HDF5Log

/// Every run log under a results directory, grouped by experiment (sub-folder) and setting.
///
/// Only runs whose `status` is `complete` count; the others are listed in `skipped` with their
/// status, and files that cannot be read (or lack a needed field) in `problems`.
public struct Results: Sendable {
    /// The experiments the paper reproduction expects (those `make reproduce` runs), in report order.
    /// The `regression` sweep is not one of them: `make regress` runs it in a temporary folder.
    public static let expectedExperiments = ["thought-length", "corpus", "controls", "ablations", "cot", "csqa"]

    public struct Skipped: Sendable, Equatable {
        public var path: String
        public var status: String
    }

    public var directory: String
    /// Complete runs by experiment folder name.
    public var experiments: [String: [RunData]]
    public var skipped: [Skipped]
    /// One line per unreadable log, naming the file (and field).
    public var problems: [String]

    public init(directory: String, experiments: [String: [RunData]], skipped: [Skipped] = [], problems: [String] = []) {
        self.directory = directory
        self.experiments = experiments
        self.skipped = skipped
        self.problems = problems
    }

    /// Reads `directory/<experiment>/*.h5` (one level deep; temporary `*.tmp-*` files are ignored).
    /// A missing directory gives empty results (everything is then reported missing).
    /// - Throws: `ReportError.resultsUnreadable` when the directory exists but cannot be listed.
    public static func load(from directory: String) throws -> Results {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: directory, isDirectory: &isDirectory) else {
            return Results(directory: directory, experiments: [:])
        }
        guard isDirectory.boolValue else {
            throw ReportError.resultsUnreadable(path: directory, problem: "not a directory")
        }
        let folders: [String]
        do { folders = try fm.contentsOfDirectory(atPath: directory).sorted() } catch {
            throw ReportError.resultsUnreadable(path: directory, problem: error.localizedDescription)
        }
        var results = Results(directory: directory, experiments: [:])
        for folder in folders {
            let folderPath = (directory as NSString).appendingPathComponent(folder)
            guard fm.fileExists(atPath: folderPath, isDirectory: &isDirectory), isDirectory.boolValue,
                  let files = try? fm.contentsOfDirectory(atPath: folderPath) else { continue }
            var runs: [RunData] = []
            for file in files.sorted() where file.hasSuffix(".h5") && !file.contains(".tmp-") {
                let path = (folderPath as NSString).appendingPathComponent(file)
                do {
                    let log = try RunLog.read(from: path)
                    let status = log.attributes["status"]?.stringValue ?? "(no status attribute)"
                    guard status == "complete" else {
                        results.skipped.append(Skipped(path: path, status: status))
                        continue
                    }
                    runs.append(try RunData(log: log, path: path, experiment: folder))
                } catch {
                    results.problems.append("\(error)")
                }
            }
            if !runs.isEmpty { results.experiments[folder] = runs }
        }
        return results
    }

    /// The settings of one experiment (empty when it has no complete run).
    public func settings(of experiment: String) -> [Setting] {
        Setting.group(experiments[experiment] ?? [])
    }

    /// Experiment names with complete runs: the expected ones in order, then any others.
    public var experimentNames: [String] {
        Results.expectedExperiments.filter { experiments[$0] != nil }
            + experiments.keys.filter { !Results.expectedExperiments.contains($0) }.sorted()
    }
}
