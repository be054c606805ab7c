import Foundation
import HDF5Log

/// The measured curves of one regression sweep: what `sweep regress` stores as the reference
/// (`results/reference/<experiment>.json`) and what it measures again to compare with it.
///
/// For every run: every `/eval/*` column (point by point, keyed by `/eval/step`), the final value
/// of every deterministic `/train/*` column (all but `seconds`), and the resolved configuration
/// and `software_version` that produced them. Non-finite numbers are stored as the strings
/// `"nan"`, `"inf"`, `"-inf"`; finite ones in Swift's shortest round-trip form, so a value read
/// back is bit-identical to the one measured.
public struct RegressionReference: Codable, Sendable, Equatable {
    /// The measurements of one run.
    public struct Run: Codable, Sendable, Equatable {
        /// Run id (`method=noThought_seed=1`).
        public var run: String
        /// Root attribute `software_version` of the log.
        public var softwareVersion: String
        /// Root attribute `config`: the resolved experiment as JSON text.
        public var config: String
        /// `eval.itemsPerSet` read from `config` (nil when absent): sets the resolution of the
        /// exact-match scores, 1 / itemsPerSet.
        public var itemsPerSet: Int?
        /// `/eval/step`.
        public var evalSteps: [Int]
        /// `/eval/<column>` for every column but `step`, one value per entry of `evalSteps`.
        public var eval: [String: [Double]]
        /// The last `/train/step` (nil when the run logged no training step).
        public var finalTrainStep: Int?
        /// The last value of every `/train/<column>` but `step` and `seconds`.
        public var trainFinal: [String: Double]

        public init(run: String, softwareVersion: String, config: String, itemsPerSet: Int?,
                    evalSteps: [Int], eval: [String: [Double]], finalTrainStep: Int?, trainFinal: [String: Double]) {
            self.run = run
            self.softwareVersion = softwareVersion
            self.config = config
            self.itemsPerSet = itemsPerSet
            self.evalSteps = evalSteps
            self.eval = eval
            self.finalTrainStep = finalTrainStep
            self.trainFinal = trainFinal
        }
    }

    /// Layout version of this file.
    public var format: Int
    /// Experiment name (the results sub-folder the runs were read from).
    public var experiment: String
    /// Text of the experiment file that was run.
    public var experimentFile: String
    /// Where the curves were measured (CPU model, BLAS kernel), for the reader; not compared.
    public var machine: String
    /// The runs, in run-id order.
    public var runs: [Run]

    public static let currentFormat = 1
    /// `/train` columns that are not compared: `step` (kept as `finalTrainStep`) and the wall time.
    public static let ignoredTrainColumns: Set<String> = ["step", "seconds"]

    public init(experiment: String, experimentFile: String, machine: String, runs: [Run]) {
        self.format = RegressionReference.currentFormat
        self.experiment = experiment
        self.experimentFile = experimentFile
        self.machine = machine
        self.runs = runs
    }

    /// The distinct `software_version`s of the runs, joined with ", ".
    public var softwareVersions: String {
        var seen: [String] = []
        for r in runs where !seen.contains(r.softwareVersion) { seen.append(r.softwareVersion) }
        return seen.joined(separator: ", ")
    }

    // MARK: Reading run logs

    /// Reads every `<experimentDirectory>/*.h5` (temporary `*.tmp-*` files ignored).
    /// - Throws: `ReportError.badLog` for a log that is not `complete` or lacks a needed field;
    ///   `ReportError.resultsUnreadable` when the folder cannot be listed or holds no log.
    public static func measure(experimentDirectory: String, experiment: String, experimentFile: String,
                               machine: String) throws -> RegressionReference {
        let files: [String]
        do {
            files = try FileManager.default.contentsOfDirectory(atPath: experimentDirectory)
                .filter { $0.hasSuffix(".h5") && !$0.contains(".tmp-") }.sorted()
        } catch {
            throw ReportError.resultsUnreadable(path: experimentDirectory, problem: error.localizedDescription)
        }
        guard !files.isEmpty else {
            throw ReportError.resultsUnreadable(path: experimentDirectory, problem: "no run log (*.h5) in it")
        }
        let runs = try files.map { file -> Run in
            let path = (experimentDirectory as NSString).appendingPathComponent(file)
            let log: RunLog
            do { log = try RunLog.read(from: path) } catch {
                throw ReportError.badLog(file: path, field: "/", problem: "\(error)")
            }
            return try run(from: log, path: path)
        }
        return RegressionReference(experiment: experiment, experimentFile: experimentFile, machine: machine,
                                   runs: runs.sorted { $0.run < $1.run })
    }

    /// The measurements of one complete run log.
    /// - Throws: `ReportError.badLog` naming the file and the field.
    public static func run(from log: RunLog, path: String) throws -> Run {
        func fail(_ field: String, _ problem: String) -> ReportError { .badLog(file: path, field: field, problem: problem) }
        let status = log.attributes["status"]?.stringValue ?? "(no status attribute)"
        guard status == "complete" else { throw fail("/@status", "the run is not complete: \(status)") }
        guard let config = log.attributes["config"]?.stringValue else { throw fail("/@config", "missing or not a string") }
        let id = log.attributes["run"]?.stringValue
            ?? URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        let version = log.attributes["software_version"]?.stringValue ?? "(none)"

        func columns(_ group: String) -> [String: [Double]] {
            var out: [String: [Double]] = [:]
            for (name, column) in log.groups[group] ?? [:] {
                if let values = RunData.doubles(column) { out[name] = values }
            }
            return out
        }
        var eval = columns("eval")
        guard let steps = eval.removeValue(forKey: "step") else { throw fail("/eval/step", "missing") }
        guard steps.allSatisfy({ $0.isFinite && $0 == $0.rounded() }) else { throw fail("/eval/step", "not integers") }
        for (name, values) in eval where values.count != steps.count {
            throw fail("/eval/\(name)", "has \(values.count) entries but /eval/step has \(steps.count)")
        }
        let train = columns("train")
        var final: [String: Double] = [:]
        for (name, values) in train where !ignoredTrainColumns.contains(name) {
            if let last = values.last { final[name] = last }
        }
        let finalStep = train["step"]?.last.flatMap { $0.isFinite ? Int($0) : nil }
        return Run(run: id, softwareVersion: version, config: config, itemsPerSet: itemsPerSet(inConfig: config),
                   evalSteps: steps.map { Int($0) }, eval: eval, finalTrainStep: finalStep, trainFinal: final)
    }

    /// `eval.itemsPerSet` of a resolved experiment (JSON text), or nil.
    static func itemsPerSet(inConfig config: String) -> Int? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(config.utf8)) as? [String: Any],
              let eval = object["eval"] as? [String: Any], let n = eval["itemsPerSet"] as? NSNumber else { return nil }
        return n.intValue
    }

    // MARK: The file

    /// The JSON text (sorted keys, indented; non-finite numbers as strings).
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try encoder.encode(self)
    }

    /// Writes the file atomically (temporary name, then rename).
    public func write(to path: String) throws {
        let text = String(decoding: try encoded(), as: UTF8.self) + "\n"
        try writeAtomically(text, to: path)
    }

    /// Reads a file written by `write(to:)`.
    /// - Throws: `ReportError.resultsUnreadable` naming the file and what is wrong with it.
    public static func read(from path: String) throws -> RegressionReference {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ReportError.resultsUnreadable(path: path, problem: "cannot read the reference: \(error.localizedDescription)")
        }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let reference: RegressionReference
        do { reference = try decoder.decode(RegressionReference.self, from: data) } catch {
            throw ReportError.resultsUnreadable(path: path, problem: "not a regression reference: \(error)")
        }
        guard reference.format == currentFormat else {
            throw ReportError.resultsUnreadable(path: path,
                problem: "reference format \(reference.format), this program reads format \(currentFormat); regenerate it")
        }
        return reference
    }
}
