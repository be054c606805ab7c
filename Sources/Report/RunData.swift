import Foundation
import HDF5Log

/// One complete run, read from `results/<experiment>/<run-id>.h5`, with every number as `Double`.
///
/// The run id is the sweep's overrides joined with `_`, seed last
/// (`thoughtLength=8_method=quietSTaR_seed=1`); `settingID` is that id without the `seed=` part,
/// so the seeds of one setting share it.
public struct RunData: Sendable {
    /// Folder under the results directory (the experiment name, e.g. `thought-length`).
    public var experiment: String
    /// The `.h5` file it was read from.
    public var path: String
    /// Root attribute `run` (the file name without `.h5` when absent).
    public var id: String
    /// `quietSTaR`, `noThought` or `pause`.
    public var method: String
    public var seed: Int?
    public var thoughtLength: Int?
    public var rationales: Int?
    public var nTrue: Int?
    /// `key=value` parts of the run id, in order, without the seed.
    public var overrides: [(key: String, value: String)]
    /// `/train/*`, `/eval/*`, `/tokens/*`, `/cot/*` numeric columns (`step` included).
    public var train: [String: [Double]]
    public var eval: [String: [Double]]
    public var tokens: [String: [Double]]
    public var cot: [String: [Double]]
    /// `/thoughts/*`: string columns, and numeric columns (e.g. `delta_logp`) separately.
    public var thoughtTexts: [String: [String]]
    public var thoughtValues: [String: [Double]]
    /// Whether the base pretraining corpus had knowledge-base text: the sum of the `kb*` weights of
    /// `data.corpus.base` in the `config` attribute is > 0. nil when the config does not say.
    public var pretrainedOnKnowledgeBase: Bool?
    /// `eval.cot.steps` of the `config` attribute: the chain length of the chain-of-thought items,
    /// nil when they come from the GSM evaluation sets (or the config does not say).
    public var cotSteps: Int?
    /// Fraction of GSM-style problems with sentences in random order in the run's world: 1 when
    /// `data.gsm.shuffleSentences` of the `config` attribute is true, else `data.gsm.shuffleFraction`
    /// (0 when the config says neither).
    public var shuffledFraction: Double
    /// The `config` attribute (the resolved experiment as JSON text), nil when absent.
    public var config: String?
    /// `train.corpus` of the `config` attribute (`reasoning` or `generic`), nil when it does not say.
    public var trainCorpus: String?
    /// Whether the base pretraining corpus had text of the GSM-style world: a kind of
    /// `data.corpus.base` in the `config` attribute not named `kb*` has a weight > 0. nil when the
    /// config has no such mixture.
    public var pretrainedOnGSMWorld: Bool?

    /// The run id without its `seed=...` part (`run` when nothing else is left).
    public var settingID: String {
        overrides.isEmpty ? "run" : overrides.map { "\($0.key)=\($0.value)" }.joined(separator: "_")
    }

    /// Total training wall time in seconds: the sum of `/train/seconds` (0 when absent).
    public var wallSeconds: Double { (train["seconds"] ?? []).filter(\.isFinite).reduce(0, +) }

    /// Splits a run id into `key=value` parts. A part without `=` belongs to the previous value
    /// (values may contain `_`). The `seed` part is dropped.
    public static func overrides(fromRunID id: String) -> [(key: String, value: String)] {
        var parts: [(key: String, value: String)] = []
        for piece in id.split(separator: "_", omittingEmptySubsequences: false).map(String.init) {
            if let eq = piece.firstIndex(of: "=") {
                parts.append((String(piece[..<eq]), String(piece[piece.index(after: eq)...])))
            } else if !parts.isEmpty {
                parts[parts.count - 1].value += "_" + piece
            } else if !piece.isEmpty {
                parts.append((piece, ""))
            }
        }
        return parts.filter { $0.key != "seed" }
    }

    /// Builds a run from a log whose `status` is `complete`.
    /// - Throws: `ReportError.badLog` naming the file and the missing or malformed field.
    public init(log: RunLog, path: String, experiment: String) throws {
        func fail(_ field: String, _ problem: String) -> ReportError { .badLog(file: path, field: field, problem: problem) }
        func integer(_ name: String) throws -> Int? {
            guard let value = log.attributes[name] else { return nil }
            guard let d = value.doubleValue, d.isFinite, d == d.rounded() else {
                throw fail("/@\(name)", "expected an integer, found \"\(value)\"")
            }
            return Int(d)
        }
        guard let method = log.attributes["method"]?.stringValue, !method.isEmpty else {
            throw fail("/@method", "missing or not a string")
        }
        self.experiment = experiment
        self.path = path
        self.method = method
        let fileStem = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        self.id = log.attributes["run"]?.stringValue ?? fileStem
        self.seed = try integer("seed")
        self.thoughtLength = try integer("thoughtLength")
        self.rationales = try integer("rationales")
        self.nTrue = try integer("nTrue")
        self.overrides = RunData.overrides(fromRunID: id)

        func numeric(_ group: String) -> [String: [Double]] {
            var out: [String: [Double]] = [:]
            for (name, column) in log.groups[group] ?? [:] {
                if let values = RunData.doubles(column) { out[name] = values }
            }
            return out
        }
        let config = log.attributes["config"]?.stringValue
        self.config = config
        pretrainedOnKnowledgeBase = config.flatMap { RunData.baseMixtureHas($0) { $0.hasPrefix("kb") } }
        pretrainedOnGSMWorld = config.flatMap { RunData.baseMixtureHas($0) { !$0.hasPrefix("kb") } }
        trainCorpus = config.flatMap { RunData.configValue($0, "train", "corpus") as? String }
        cotSteps = config.flatMap(RunData.cotSteps)
        shuffledFraction = config.map(RunData.shuffledFraction) ?? 0
        train = numeric("train")
        eval = numeric("eval")
        tokens = numeric("tokens")
        cot = numeric("cot")
        thoughtValues = numeric("thoughts")
        thoughtTexts = [:]
        for (name, column) in log.groups["thoughts"] ?? [:] {
            if case .string(let s) = column { thoughtTexts[name] = s }
        }
        for (group, columns) in [("train", train), ("eval", eval)] {
            if let steps = columns["step"] {
                for (name, values) in columns where values.count != steps.count {
                    throw fail("/\(group)/\(name)", "has \(values.count) entries but /\(group)/step has \(steps.count)")
                }
            }
        }
    }

    /// From a resolved experiment (JSON text): the value at `path` (object keys from the root), nil
    /// when the text is not JSON or an object along the path is missing.
    static func configValue(_ config: String, _ path: String...) -> Any? {
        var node = try? JSONSerialization.jsonObject(with: Data(config.utf8))
        for key in path { node = (node as? [String: Any])?[key] }
        return node
    }

    /// The leaves of a resolved experiment (JSON text) by dotted path (`train.steps`), each as the
    /// text of its value; empty when the text is not a JSON object.
    static func configLeaves(_ config: String) -> [String: String] {
        var out: [String: String] = [:]
        func walk(_ node: Any, _ path: String) {
            if let object = node as? [String: Any] {
                for (key, value) in object { walk(value, path.isEmpty ? key : path + "." + key) }
            } else if let data = try? JSONSerialization.data(withJSONObject: [node], options: [.sortedKeys]) {
                out[path] = String(decoding: data, as: UTF8.self)
            }
        }
        if let root = try? JSONSerialization.jsonObject(with: Data(config.utf8)), root is [String: Any] { walk(root, "") }
        return out
    }

    /// From a resolved experiment (JSON text): whether `data.corpus.base` gives a weight > 0 to a
    /// kind whose name `kind` accepts; nil when the text has no such mixture.
    static func baseMixtureHas(_ config: String, _ kind: (String) -> Bool) -> Bool? {
        guard let base = configValue(config, "data", "corpus", "base") as? [String: Any] else { return nil }
        return base.contains { key, value in kind(key) && ((value as? NSNumber)?.doubleValue ?? 0) > 0 }
    }

    /// From a resolved experiment (JSON text): `eval.cot.steps`, nil when absent or null.
    static func cotSteps(_ config: String) -> Int? {
        (configValue(config, "eval", "cot", "steps") as? NSNumber)?.intValue
    }

    /// From a resolved experiment (JSON text): 1 when `data.gsm.shuffleSentences` is true, else
    /// `data.gsm.shuffleFraction`, 0 when both are absent.
    static func shuffledFraction(_ config: String) -> Double {
        if (configValue(config, "data", "gsm", "shuffleSentences") as? Bool) == true { return 1 }
        return (configValue(config, "data", "gsm", "shuffleFraction") as? NSNumber)?.doubleValue ?? 0
    }

    /// A numeric column as `Double`s; nil for strings.
    static func doubles(_ column: Column) -> [Double]? {
        switch column {
        case .double(let v): return v
        case .float(let v): return v.map(Double.init)
        case .int(let v): return v.map(Double.init)
        case .string: return nil
        }
    }

    /// The value of an evaluation column at the last evaluation (nil if absent or not finite).
    public func finalEval(_ column: String) -> Double? {
        guard let v = eval[column]?.last, v.isFinite else { return nil }
        return v
    }

    /// `column` of `group` (`train`, `eval` or `cot`) with its x values (`step`; `k` for `cot`);
    /// nil when either is missing or their lengths differ.
    public func curve(_ group: String, _ column: String) -> (steps: [Double], values: [Double])? {
        let table = group == "train" ? train : group == "eval" ? eval : cot
        guard let steps = table[group == "cot" ? "k" : "step"], let values = table[column], steps.count == values.count
        else { return nil }
        return (steps, values)
    }
}
