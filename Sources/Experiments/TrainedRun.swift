import Foundation
import HDF5Log
import NN
import QuietSTaR
import SyntheticData
import TensorCore
import Transformer

/// A finished run loaded back from its files: the resolved experiment (`<id>.json`, or the log's
/// `config` attribute when the JSON is gone), the vocabulary and GPT rebuilt from it, and the
/// `QuietSTaRModel` restored from `<id>.ckpt` (results/README.md).
///
/// A run is named by a path to any of its files (`results/exp/<id>.ckpt`, `.h5` or `.json`), by
/// `<experiment>/<id>`, or by its id alone, searched in every experiment folder under `results`.
/// An unknown or ambiguous id is an error that lists the close matches.
public struct TrainedRun {
    /// The experiment folder's name and the run id.
    public let experimentName: String
    public let id: String
    public let directory: String
    public let experiment: Experiment
    public let vocabulary: Vocabulary
    public let model: QuietSTaRModel
    /// The cache key of the run's base model (`RunSpec.baseKey` of its saved configuration).
    public let baseKey: String

    public var configPath: String { "\(directory)/\(id).json" }
    public var logPath: String { "\(directory)/\(id).h5" }
    public var checkpointPath: String { "\(directory)/\(id).ckpt" }
    /// `<experiment>/<id>`, unambiguous within a results folder.
    public var name: String { "\(experimentName)/\(id)" }
    /// Where the sweep cached the run's base model: `<results>/.cache/base-<baseKey>/model.ckpt`,
    /// `<results>` being the folder that holds the run's experiment folder.
    public var baseCheckpointPath: String {
        URL(fileURLWithPath: directory).deletingLastPathComponent().appendingPathComponent(".cache/base-\(baseKey)/model.ckpt").path
    }

    /// The run with its base model in place of its trained weights and without thoughts (`method`
    /// noThought): the model before continued training. The base model must be in the cache
    /// (`baseCheckpointPath`); a fresh clone has none, so the error says how to make it.
    public func withBaseModel() throws -> TrainedRun {
        let path = baseCheckpointPath
        guard FileManager.default.fileExists(atPath: path) else {
            let file = Self.experimentFile(named: experimentName, run: id) ?? "<the experiment file named \"\(experimentName)\">"
            throw TrainedRunError("run \(name) has no base model \(path) (a sweep caches base models in its results folder's"
                                  + " .cache, which is not kept in git). To make it, train this run again, `swift run sweep \(file)"
                                  + " --only \(id) --results <folder>` (its base model is pretrained first, from the same seed),"
                                  + " then name the run <folder>/\(experimentName)/\(id).ckpt")
        }
        var config = experiment.quietstar
        config.method = .noThought
        var scratch = RNG(seed: 0)  // a no-thought model reads none of the other parameters
        let gpt: GPT
        do { gpt = try BaseModel.load(path, experiment: experiment) } catch {
            throw TrainedRunError("base model \(path) of run \(name) cannot be read: \(error)")
        }
        return TrainedRun(experimentName: experimentName, id: id, directory: directory, experiment: experiment,
                          vocabulary: vocabulary, model: QuietSTaRModel(gpt: gpt, config: config, using: &scratch),
                          baseKey: baseKey)
    }

    /// Finds and loads a run (see the type's comment for the ways to name it).
    public static func load(_ reference: String, results: String = "results") throws -> TrainedRun {
        let (directory, id) = try locate(reference, results: results)
        return try load(directory: directory, id: id)
    }

    /// The experiment file whose `name` is `name`: `<folder>/<name>.json` if it has that name, else
    /// the first file of `folder` (sorted), then of its subfolders (experiments/replication/), that
    /// does; given a run id, the first such file that has that run (the replication's files share
    /// their originals' names), else the first named one; nil if none.
    static func experimentFile(named name: String, in folder: String = "experiments", run id: String? = nil) -> String? {
        let fm = FileManager.default
        func named(_ path: String) -> Bool {
            guard let data = fm.contents(atPath: path),
                  let json = try? JSONParser.parse(String(decoding: data, as: UTF8.self)),
                  case .string(let n)? = json["name"] else { return false }
            return n == name
        }
        func jsonFiles(_ dir: String) -> [String] {
            ((try? fm.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".json") }.sorted().map { "\(dir)/\($0)" }
        }
        let subfolders = ((try? fm.contentsOfDirectory(atPath: folder)) ?? []).sorted().map { "\(folder)/\($0)" }.filter {
            var isDir: ObjCBool = false
            return fm.fileExists(atPath: $0, isDirectory: &isDir) && isDir.boolValue
        }
        let direct = "\(folder)/\(name).json"
        var candidates = [direct] + jsonFiles(folder).filter { $0 != direct } + subfolders.flatMap(jsonFiles)
        candidates = candidates.filter(named)
        if let id, let file = candidates.first(where: { (try? SweepPlan.load(file: $0))?.runs.contains { $0.id == id } ?? false }) {
            return file
        }
        return candidates.first
    }

    /// Loads the run `<directory>/<id>.*`.
    public static func load(directory: String, id: String) throws -> TrainedRun {
        let fm = FileManager.default
        let ckpt = "\(directory)/\(id).ckpt", json = "\(directory)/\(id).json", h5 = "\(directory)/\(id).h5"
        guard fm.fileExists(atPath: ckpt) else {
            let status = RunStatus.read(h5)
            var text = "run \(directory)/\(id) has no checkpoint \(ckpt) (status: \(status)); only complete runs can be loaded"
            if status == .complete {
                // A fresh clone has the logs but not the checkpoints (kept out of git).
                let experiment = URL(fileURLWithPath: directory).lastPathComponent
                let file = experimentFile(named: experiment, run: id) ?? "<the experiment file named \"\(experiment)\">"
                text += ". Checkpoints are not kept in git; to make this one again, train just this run into another"
                    + " folder, `swift run sweep \(file) --only \(id) --results <folder>` (the"
                    + " same seed gives the same model; its base model is pretrained first), then name the run"
                    + " <folder>/\(experiment)/\(id).ckpt"
            }
            throw TrainedRunError(text)
        }
        let configText: String
        let configFile: String
        if let text = try? String(contentsOfFile: json, encoding: .utf8) {
            configText = text; configFile = json
        } else if let log = try? RunLog.read(from: h5), let text = log.attributes["config"]?.stringValue {
            configText = text; configFile = "\(h5) (attribute config)"
        } else {
            throw TrainedRunError("run \(directory)/\(id): neither \(json) nor the config attribute of \(h5) can be read")
        }
        let experiment = try resolvedExperiment(configText, file: configFile)
        let baseKey = RunSpec.baseKey(resolved: try JSONParser.parse(configText))
        let vocabulary = try Vocabulary(config: experiment.data)
        var scratch = RNG(seed: 0)  // every parameter is overwritten by the checkpoint
        let gpt = GPT(BaseModel.config(experiment, vocab: vocabulary.count, context: experiment.runContext), using: &scratch)
        let model = QuietSTaRModel(gpt: gpt, config: experiment.quietstar, using: &scratch)
        do {
            try Checkpoint.restore(model, from: ckpt)
        } catch let e as Checkpoint.FormatError {
            throw TrainedRunError("checkpoint \(ckpt) does not fit the model of \(configFile): \(e.reason)")
        } catch {
            throw TrainedRunError("checkpoint \(ckpt) cannot be read: \(error)")
        }
        let name = URL(fileURLWithPath: directory).lastPathComponent
        return TrainedRun(experimentName: name, id: id, directory: directory, experiment: experiment,
                          vocabulary: vocabulary, model: model, baseKey: baseKey)
    }

    /// The experiment of a resolved JSON (`<id>.json`), merged over today's defaults so that a
    /// run saved before a field existed still loads; checked and validated like an experiment file.
    /// An optional field absent from a saved section was null when it was saved (null values are
    /// not written), not the default: `quietstar.endMarkerScale` defaults to 10 in experiment
    /// files, but a run saved with null ran its end marker at `markerScale`.
    public static func resolvedExperiment(_ text: String, file: String) throws -> Experiment {
        let saved: JSON
        do { saved = try JSONParser.parse(text) } catch let e as JSONParser.SyntaxError {
            throw TrainedRunError("\(file), line \(e.line), column \(e.column): invalid JSON: \(e.message)")
        }
        guard case .object = saved else { throw TrainedRunError("\(file): expected a JSON object (a resolved experiment)") }
        let tree = ExperimentSchema.defaults.merged(with: ExperimentSchema.nullingAbsentOptionalLeaves(saved))
        return try SweepPlan.decode(tree, file: file, given: Set(ExperimentSchema.leafPaths), context: "")
    }

    /// The folder and id a reference names. Throws with close matches when there is no such run
    /// or more than one.
    public static func locate(_ reference: String, results: String) throws -> (directory: String, id: String) {
        let fm = FileManager.default
        for ext in ["ckpt", "h5", "json"] where reference.hasSuffix(".\(ext)") {
            guard fm.fileExists(atPath: reference) else {
                throw TrainedRunError("no such file: \(reference)")
            }
            let url = URL(fileURLWithPath: reference)
            return (url.deletingLastPathComponent().path, url.deletingPathExtension().lastPathComponent)
        }
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: results, isDirectory: &isDir), isDir.boolValue else {
            throw TrainedRunError("results folder \(results) does not exist (give --results DIR or a path to the run's .ckpt)")
        }
        let runs = allRuns(results: results)
        if reference.contains("/") {
            // <experiment>/<id>, relative to the results folder or to the current directory.
            for stem in ["\(results)/\(reference)", reference] where fm.fileExists(atPath: stem + ".ckpt")
                || fm.fileExists(atPath: stem + ".json") || fm.fileExists(atPath: stem + ".h5") {
                let url = URL(fileURLWithPath: stem)
                return (url.deletingLastPathComponent().path, url.lastPathComponent)
            }
            throw TrainedRunError("no run \(reference) in \(results)" + suggestions(reference, runs.map(\.name)))
        }
        let matches = runs.filter { $0.id == reference }
        if matches.count == 1 { return ("\(results)/\(matches[0].experiment)", reference) }
        if matches.count > 1 {
            throw TrainedRunError("run id \(reference) is ambiguous: it exists in \(matches.count) experiments: "
                                  + matches.map(\.name).joined(separator: ", ") + "; give <experiment>/<id>")
        }
        throw TrainedRunError("no run with id \(reference) in \(results)" + suggestions(reference, runs.map(\.name)))
    }

    /// Every run (a stem with a .ckpt, .json or .h5 file) in the experiment folders of `results`.
    static func allRuns(results: String) -> [(experiment: String, id: String, name: String)] {
        let fm = FileManager.default
        var out: [(String, String, String)] = []
        let folders = ((try? fm.contentsOfDirectory(atPath: results)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
        for folder in folders {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: "\(results)/\(folder)", isDirectory: &isDir), isDir.boolValue else { continue }
            let files = (try? fm.contentsOfDirectory(atPath: "\(results)/\(folder)")) ?? []
            var ids = Set<String>()
            for f in files {
                for ext in [".ckpt", ".json", ".h5"] where f.hasSuffix(ext) { ids.insert(String(f.dropLast(ext.count))) }
            }
            for id in ids.sorted() { out.append((folder, id, "\(folder)/\(id)")) }
        }
        return out
    }

    /// "; close matches: a, b, c" (up to 5: names containing the reference first, then by edit
    /// distance, at most `typoLimit` edits away), "; no close match ..." with a few of the
    /// names when none is close, or "; it holds no runs" when the folder holds none.
    static func suggestions(_ reference: String, _ names: [String]) -> String {
        if names.isEmpty { return "; it holds no runs" }
        let key = reference.lowercased()
        func distance(_ name: String) -> Int {
            min(editDistance(reference, name), editDistance(reference, String(name.split(separator: "/").last ?? "")))
        }
        let close = names.filter { $0.lowercased().contains(key) || distance($0) <= typoLimit(reference) }
        let ranked = close.sorted { a, b in
            let ca = a.lowercased().contains(key), cb = b.lowercased().contains(key)
            if ca != cb { return ca }
            let da = distance(a), db = distance(b)
            return da != db ? da < db : a < b
        }
        if ranked.isEmpty {
            return "; no close match among its \(names.count) runs (e.g. \(names.prefix(3).joined(separator: ", "))); "
                + "`swift run sweep experiments/<experiment>.json --dry-run` lists an experiment's run ids"
        }
        return "; close matches: " + ranked.prefix(5).joined(separator: ", ")
    }

    /// The run's tokens for `text` (the vocabulary's text form; the two characters `\n` also stand
    /// for a newline, for shell arguments). A word outside the vocabulary is an error naming it,
    /// its position and the closest words.
    public func encode(_ text: String) throws -> [Int] {
        let words = Vocabulary.split(text.replacingOccurrences(of: "\\n", with: "\n"))
        var ids: [Int] = []
        for (i, w) in words.enumerated() {
            guard let id = try? vocabulary.id(of: w) else {
                let close = vocabulary.words.filter { !$0.hasPrefix("<") && $0 != "\n" }
                    .sorted { (editDistance(w, $0), $0) < (editDistance(w, $1), $1) }.prefix(3)
                throw TrainedRunError("word \"\(w)\" (word \(i + 1) of the text) is not in the vocabulary of run \(name) "
                                      + "(\(vocabulary.count) words); closest: " + close.joined(separator: ", "))
            }
            ids.append(id)
        }
        if ids.isEmpty { throw TrainedRunError("the text is empty: give at least one word of the run's vocabulary") }
        return ids
    }
}

/// A run that cannot be found or loaded; the message names the file or id and what to give instead.
public struct TrainedRunError: Error, CustomStringConvertible, Equatable, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
