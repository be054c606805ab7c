import Foundation
import SyntheticData

/// One run of a sweep: its deterministic id, the values that distinguish it and the resolved
/// experiment.
public struct RunSpec: Sendable {
    /// Position in the sweep's deterministic order (0-based).
    public let index: Int
    /// Folder-safe id from the overrides, e.g. `thoughtLength=8_method=quietSTaR_seed=1`.
    public let id: String
    /// The swept values of this run in sweep order (dotted path, value), then the seed.
    public let overrides: [(path: String, value: JSON)]
    public let experiment: Experiment
    /// The resolved experiment as JSON (saved beside the results, stored in the log).
    public let resolved: JSON

    /// Key of the base model: a stable hash of what affects pretraining (data without the
    /// evaluation settings, model, pretrain; L is part of model). Pretraining never reads the
    /// generic corpus, so `data.corpus.generic` is hashed as its default: experiments that differ
    /// only in it share a base model, and keys made before any experiment set it stay the same.
    /// (The reasoning corpus is hashed as set, as it always was, so existing keys stay valid.)
    public var baseKey: String { Self.baseKey(resolved: resolved) }

    /// `baseKey` of a resolved experiment (a run's saved `<id>.json`).
    public static func baseKey(resolved: JSON) -> String {
        var data = resolved["data"] ?? .null
        data.set("eval", .null)
        data.set(path: ["corpus", "generic"], ExperimentSchema.encode(CorpusMixture.generic))
        let key = JSON.object([("data", data), ("model", resolved["model"] ?? .null),
                               ("pretrain", resolved["pretrain"] ?? .null)])
        return String(format: "%016llx", fnv1a(key.text(sortedKeys: true)))
    }
}

/// FNV-1a, 64 bit: a hash that is the same in every process (Swift's `Hasher` is seeded per run).
func fnv1a(_ s: String) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
    return h
}

/// A sweep file: `name`, optional `description`, `base` (a partial experiment), `sweep` (dotted
/// path -> non-empty list of values), `seeds` (non-empty list) and `seedScope` (`pretrainAndTrain`,
/// the default: each seed has its own base model; or `train`). Runs = the Cartesian product of
/// the sweep lists, first key outermost, in file order, then the seeds innermost.
public struct SweepPlan: Sendable {
    public let file: String
    public let name: String
    public let description: String
    public let runs: [RunSpec]
    /// Corpus mixtures written in `base` that keep non-zero default weights of kinds they leave
    /// out (see `notes`).
    let inheritedMixtureWeights: [InheritedMixtureWeights]

    static let topKeys = ["name", "description", "base", "sweep", "extra", "seeds", "seedScope"]
    static let seedScopes = ["pretrainAndTrain", "train"]

    /// Reads and fully checks a sweep file; every run is decoded and validated here, so any bad
    /// input is reported before work starts.
    public static func load(file: String) throws -> SweepPlan {
        try parse(text: readText(file: file), file: file)
    }

    /// The text of a JSON file (experiment, data block, run configuration), or an error naming it.
    static func readText(file: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: file) else {
            let exists = FileManager.default.fileExists(atPath: file)
            throw ExperimentError(file: file, path: "", problem: exists ? "the file cannot be read (permissions?)"
                                  : "the file does not exist", allowed: "a readable JSON file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ExperimentError(file: file, path: "", problem: "the file is not UTF-8 text", allowed: "a JSON file")
        }
        return text
    }

    /// `text` parsed, a syntax error reported with the file, line and column.
    static func parseJSON(_ text: String, file: String) throws -> JSON {
        do { return try JSONParser.parse(text) } catch let e as JSONParser.SyntaxError {
            throw ExperimentError(file: file, path: "line \(e.line), column \(e.column)",
                                  problem: "invalid JSON: \(e.message)", allowed: "JSON text (RFC 8259)")
        }
    }

    public static func parse(text: String, file: String) throws -> SweepPlan {
        let root = try parseJSON(text, file: file)
        guard case .object(let members) = root else {
            throw ExperimentError(file: file, path: "top level", problem: "expected an object, found \(root.typeName)",
                                  allowed: "an object with keys " + topKeys.joined(separator: ", "))
        }
        for (k, _) in members where !topKeys.contains(k) {
            // A section of the experiment (`quietstar`, `model`, ...) given at the top level goes under "base".
            throw unknownKeyError(file: file, path: "top level", key: k, valid: topKeys,
                                  homes: ExperimentSchema.homes(of: k).map { "base." + $0 })
        }
        func string(_ key: String) throws -> String? {
            guard let v = root[key] else { return nil }
            guard case .string(let s) = v else {
                throw ExperimentError(file: file, path: key, problem: "wrong type: expected a string, found \(v.typeName)",
                                      allowed: "a string")
            }
            return s
        }
        let fileStem = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        let name = try string("name") ?? fileStem
        let description = try string("description") ?? ""
        let seedScope = try string("seedScope") ?? "pretrainAndTrain"
        if !seedScopes.contains(seedScope) {
            throw ExperimentError(file: file, path: "seedScope", problem: "unknown value \"\(seedScope)\"",
                                  allowed: seedScopes.joined(separator: ", "))
        }

        // base: a partial experiment.
        let base = root["base"] ?? .object([])
        var baseGiven = Set<String>()
        try ExperimentSchema.check(base, against: ExperimentSchema.defaults, file: file, path: "base", field: "",
                                   given: &baseGiven)
        let inherited = InheritedMixtureWeights.find(in: base)

        // sweep: dotted path -> values.
        var axes: [(path: String, values: [JSON])] = []
        if let sweep = root["sweep"] {
            guard case .object(let entries) = sweep else {
                throw ExperimentError(file: file, path: "sweep", problem: "expected an object, found \(sweep.typeName)",
                                      allowed: "an object mapping dotted field paths to lists of values")
            }
            let leaves = ExperimentSchema.leafPaths
            for (key, v) in entries {
                let at = "sweep[\"\(key)\"]"
                guard leaves.contains(key) else {
                    throw unknownKeyError(file: file, path: "sweep", key: key, valid: leaves,
                                          homes: ExperimentSchema.homes(of: key).filter(leaves.contains))
                }
                guard case .array(let values) = v, !values.isEmpty else {
                    throw ExperimentError(file: file, path: at,
                                          problem: v == .array([]) ? "empty list of values" : "expected a list, found \(v.typeName)",
                                          allowed: "a non-empty list of values")
                }
                let schema = ExperimentSchema.defaults.value(at: key.split(separator: ".").map(String.init))!
                var g = Set<String>()
                for (i, value) in values.enumerated() {
                    try ExperimentSchema.check(value, against: schema, file: file, path: "\(at)[\(i)]", field: key, given: &g)
                }
                axes.append((key, values))
            }
        }

        // extra: single runs beside the product, each {dotted path: one value} (e.g. one baseline
        // next to a sweep over thought lengths, instead of one baseline per thought length).
        var extras: [[(path: String, value: JSON)]] = []
        if let extra = root["extra"] {
            guard case .array(let list) = extra, !list.isEmpty else {
                throw ExperimentError(file: file, path: "extra", problem: extra == .array([]) ? "empty list" : "expected a list, found \(extra.typeName)",
                                      allowed: "a non-empty list of objects mapping dotted field paths to one value")
            }
            let leaves = ExperimentSchema.leafPaths
            for (i, item) in list.enumerated() {
                guard case .object(let entries) = item, !entries.isEmpty else {
                    throw ExperimentError(file: file, path: "extra[\(i)]", problem: "expected a non-empty object, found \(item.typeName)",
                                          allowed: "an object mapping dotted field paths to one value")
                }
                var one: [(path: String, value: JSON)] = []
                for (key, value) in entries {
                    guard leaves.contains(key) else {
                        throw unknownKeyError(file: file, path: "extra[\(i)]", key: key, valid: leaves,
                                              homes: ExperimentSchema.homes(of: key).filter(leaves.contains))
                    }
                    let schema = ExperimentSchema.defaults.value(at: key.split(separator: ".").map(String.init))!
                    var g = Set<String>()
                    try ExperimentSchema.check(value, against: schema, file: file, path: "extra[\(i)][\"\(key)\"]", field: key, given: &g)
                    one.append((key, value))
                }
                extras.append(one)
            }
        }

        // seeds.
        var seeds: [Int]? = nil
        if let s = root["seeds"] {
            guard case .array(let list) = s, !list.isEmpty else {
                throw ExperimentError(file: file, path: "seeds", problem: s == .array([]) ? "empty list" : "expected a list, found \(s.typeName)",
                                      allowed: "a non-empty list of integers >= 0")
            }
            seeds = try list.enumerated().map { i, v in
                guard case .number(let t) = v, let n = Int(t), n >= 0 else {
                    throw ExperimentError(file: file, path: "seeds[\(i)]", problem: "invalid seed \(v.text())",
                                          allowed: "integers >= 0")
                }
                return n
            }
            if Set(seeds!).count != seeds!.count {
                throw ExperimentError(file: file, path: "seeds", problem: "a seed appears twice", allowed: "distinct integers")
            }
            let seedPaths = seedScope == "train" ? ["train.seed"] : ["train.seed", "pretrain.seed"]
            for p in seedPaths where axes.contains(where: { $0.path == p }) {
                throw ExperimentError(file: file, path: "sweep[\"\(p)\"]", problem: "\(p) is also set by \"seeds\"",
                                      allowed: "either \"seeds\" or a sweep over \(p)")
            }
        }

        // Expansion.
        let shortNames = axes.map { a -> String in
            let last = String(a.path.split(separator: ".").last!)
            let clash = axes.filter { $0.path.split(separator: ".").last.map(String.init) == last }.count > 1
            return clash ? a.path : last
        }
        var combos: [[JSON]] = [[]]
        for a in axes { combos = combos.flatMap { c in a.values.map { c + [$0] } } }
        // Each run's assignments and the short names used in its id.
        var assignments: [(names: [String], values: [(path: String, value: JSON)])] = combos.map { combo in
            (shortNames, zip(axes, combo).map { ($0.path, $1) })
        }
        for one in extras {
            assignments.append((one.map { String($0.path.split(separator: ".").last!) }, one))
        }
        var runs: [RunSpec] = []
        var ids = Set<String>()
        for (names, assigned) in assignments {
            for seed in seeds.map({ $0.map(Optional.some) }) ?? [nil] {
                var tree = ExperimentSchema.defaults.merged(with: base)
                tree.set("name", .string(name))
                var given = baseGiven
                var overrides: [(path: String, value: JSON)] = []
                for (path, v) in assigned {
                    tree.set(path: path.split(separator: ".").map(String.init), v)
                    given.insert(path)
                    overrides.append((path, v))
                }
                if let seed {
                    tree.set(path: ["train", "seed"], .number(String(seed)))
                    if seedScope == "pretrainAndTrain" { tree.set(path: ["pretrain", "seed"], .number(String(seed))) }
                    overrides.append(("seed", .number(String(seed))))
                }
                let parts = zip(names + ["seed"], overrides).map { "\($0)=\($1.value.idText)" }
                let id = parts.isEmpty ? "run" : sanitize(parts.joined(separator: "_"))
                let where_ = parts.isEmpty ? "" : " (run \(id))"
                let experiment = try decode(tree, file: file, given: given, context: where_)
                guard ids.insert(id).inserted else {
                    throw ExperimentError(file: file, path: "sweep", problem: "two runs get the same id \(id)",
                                          allowed: "values that differ after replacing characters other than letters, digits, '.', '+', '-'")
                }
                runs.append(RunSpec(index: runs.count, id: id, overrides: overrides, experiment: experiment,
                                    resolved: ExperimentSchema.encode(experiment)))
            }
        }
        return SweepPlan(file: file, name: name, description: description, runs: runs,
                         inheritedMixtureWeights: inherited)
    }

    /// Decodes a merged tree, fills the vocabulary tokens, validates.
    static func decode(_ tree: JSON, file: String, given: Set<String>, context: String) throws -> Experiment {
        var e: Experiment
        do {
            e = try JSONDecoder().decode(Experiment.self, from: Data(tree.text().utf8))
        } catch let d as DataConfigError {
            throw ExperimentError(file: file, path: "data.\(d.field)", problem: "invalid value \(d.value)\(context)", allowed: d.allowed)
        } catch let d as DecodingError {
            throw decodingError(d, file: file, context: context)
        }
        let vocabulary: Vocabulary
        do { vocabulary = try Vocabulary(config: e.data) } catch let d as DataConfigError {
            let path = d.field.hasPrefix("data.") ? d.field : "data.\(d.field)"
            throw ExperimentError(file: file, path: path, problem: "invalid value \(d.value)\(context)", allowed: d.allowed)
        }
        e.resolve(vocabulary: vocabulary, given: given)
        do { try e.validate(file: file, prefix: "", vocabularySize: vocabulary.count) } catch let x as ExperimentError {
            throw ExperimentError(file: file, path: x.path, problem: x.problem + context, allowed: x.allowed)
        }
        return e
    }

    static func decodingError(_ d: DecodingError, file: String, context: String) -> ExperimentError {
        func path(_ c: DecodingError.Context) -> String {
            c.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
                .replacingOccurrences(of: ".[", with: "[")
        }
        switch d {
        case .typeMismatch(let t, let c):
            return ExperimentError(file: file, path: path(c), problem: "wrong type\(context): \(c.debugDescription)", allowed: "\(t)")
        case .valueNotFound(let t, let c):
            return ExperimentError(file: file, path: path(c), problem: "missing value\(context)", allowed: "\(t)")
        case .keyNotFound(let k, let c):
            return ExperimentError(file: file, path: path(c), problem: "missing key \(k.stringValue)\(context)", allowed: "")
        case .dataCorrupted(let c):
            return ExperimentError(file: file, path: path(c), problem: "invalid value\(context): \(c.debugDescription)", allowed: "")
        @unknown default:
            return ExperimentError(file: file, path: "", problem: "\(d)", allowed: "")
        }
    }

    /// Keeps letters, digits, '.', '+', '-', '=', '_'; anything else becomes '-'.
    static func sanitize(_ s: String) -> String {
        String(s.unicodeScalars.map { c -> Character in
            CharacterSet.alphanumerics.contains(c) && c.isASCII || ".+-=_".unicodeScalars.contains(c) ? Character(c) : "-"
        })
    }
}

extension SweepPlan {
    /// Things worth knowing before the runs start that are not errors, one line each (`sweep run`
    /// prints them):
    /// - Quiet-STaR runs with one rationale and the mean reward baseline, whose every advantage is
    ///   0, so they learn without any policy gradient;
    /// - a corpus mixture written in `base` that leaves out kinds whose default weight is not 0:
    ///   the file merges over the defaults key by key, so those kinds keep their default weights.
    public var notes: [String] {
        var out: [String] = []
        let noPolicy = runs.filter {
            let q = $0.experiment.quietstar
            return q.method == .quietSTaR && q.rationales == 1 && q.effectiveRewardBaseline == .mean && q.policyWeight > 0
        }
        if !noPolicy.isEmpty {
            let ids = noPolicy.prefix(3).map(\.id).joined(separator: ", ") + (noPolicy.count > 3 ? ", ..." : "")
            out.append("note: \(noPolicy.count) run\(noPolicy.count == 1 ? "" : "s") (\(ids)) sample\(noPolicy.count == 1 ? "s" : "") one "
                + "rationale with quietstar.rewardBaseline \"mean\": every advantage is 0, so there is no policy gradient; "
                + "\"none\" uses the reward itself (REINFORCE without a baseline)")
        }
        for m in inheritedMixtureWeights {
            let kept = m.kept.map { "\($0.kind) \($0.weight)" }.joined(separator: ", ")
            out.append("note: base.\(m.path) gives \(m.written.joined(separator: ", ")) and keeps the default weights "
                + "\(kept) (a mixture merges with its default key by key); write 0 for a kind the corpus should not have")
        }
        return out
    }
}

/// A corpus mixture written in an experiment's `base` that leaves out kinds whose default weight
/// is not 0. The file is merged over the defaults key by key, mixtures included, so
/// `"generic": {"kbFact": 0.9, "kbDirect": 0.1}` still draws the default generic corpus's
/// arithmetic facts, stories and direct problems. Valid, but easy to write by mistake.
struct InheritedMixtureWeights: Sendable {
    /// `data.corpus.<kind>`.
    let path: String
    /// The kinds the file gives, in file order.
    let written: [String]
    /// The kinds it leaves out with a non-zero default weight (the default's number text).
    let kept: [(kind: String, weight: String)]

    static func find(in base: JSON) -> [InheritedMixtureWeights] {
        CorpusKind.allCases.compactMap { kind in
            let path = ["data", "corpus", kind.rawValue]
            guard case .object(let written)? = base.value(at: path),
                  !written.isEmpty, case .object(let defaults)? = ExperimentSchema.defaults.value(at: path) else { return nil }
            let kept = defaults.compactMap { k, v -> (kind: String, weight: String)? in
                guard written.first(where: { $0.0 == k }) == nil, case .number(let w) = v,
                      let x = Double(w), x != 0 else { return nil }
                return (k, w)
            }
            return kept.isEmpty ? nil : InheritedMixtureWeights(path: path.joined(separator: "."),
                                                                written: written.map(\.0), kept: kept)
        }
    }
}
