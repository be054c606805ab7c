import Foundation
import SyntheticData

/// The data configuration of a JSON file, read by the rules of experiment files: the file's data
/// block is checked against the defaults (unknown keys and wrong types are errors naming the file
/// and the field) and merged over them key by key, mixtures included. So `sweep data` shows the
/// rows a run of the same block trains on: `"generic": {"kbFact": 0.9}` keeps the default generic
/// corpus's other weights there as it does in an experiment.
///
/// The file may be
/// - a data block (`{"kb": {...}, "corpus": {...}}`),
/// - a run's saved configuration (`<results>/<experiment>/<id>.json`: its `data`), or
/// - an experiment file (its `base.data`; a `sweep` or `extra` over `data.*` fields is not
///   applied: `variedFields` names them, and `load(file:run:)` gives one run's data).
public enum DataConfigFile {
    public static func load(file: String) throws -> DataConfig {
        try parse(text: SweepPlan.readText(file: file), file: file)
    }

    /// The data of the run `id` of an experiment file, as that run trains on it (sweep and extra
    /// applied). An unknown id is an error that lists the file's run ids.
    public static func load(file: String, run id: String) throws -> DataConfig {
        let plan = try SweepPlan.load(file: file)
        guard let run = plan.runs.first(where: { $0.id == id }) else {
            throw SweepSelectionError(message: "--run: \(file) has no run \"\(id)\". Its runs: "
                                      + plan.runs.map(\.id).joined(separator: ", ") + ".")
        }
        return run.experiment.data
    }

    /// The `data.*` fields an experiment file's `sweep` or `extra` vary, in the order written
    /// (empty for a data block, a run's configuration, or an experiment that varies no data field).
    public static func variedFields(file: String) throws -> [String] {
        try variedFields(text: SweepPlan.readText(file: file), file: file)
    }

    static func variedFields(text: String, file: String) throws -> [String] {
        let root = try SweepPlan.parseJSON(text, file: file)
        var objects: [JSON] = root["sweep"].map { [$0] } ?? []
        if case .array(let extra)? = root["extra"] { objects += extra }
        var fields: [String] = []
        for case .object(let members) in objects {
            for (key, _) in members where key.hasPrefix("data.") && !fields.contains(key) { fields.append(key) }
        }
        return fields
    }

    public static func parse(text: String, file: String) throws -> DataConfig {
        let root = try SweepPlan.parseJSON(text, file: file)
        guard case .object = root else {
            throw ExperimentError(file: file, path: "top level", problem: "expected an object, found \(root.typeName)",
                                  allowed: "a data block, a run's saved configuration or an experiment file")
        }
        let (block, at): (JSON, String)
        if let base = root["base"] { (block, at) = (base["data"] ?? .object([]), "base.data") }
        else if let d = root["data"] { (block, at) = (d, "data") }
        else { (block, at) = (root, "") }
        let schema = ExperimentSchema.defaults["data"]!
        var given = Set<String>()
        // `data.eval` is derived from `eval` in an experiment; a run's saved configuration writes it
        // (no `sweep data` output depends on it).
        var checked = block
        if case .object(let members) = block { checked = .object(members.filter { $0.0 != "eval" }) }
        try ExperimentSchema.check(checked, against: schema, file: file, path: at, field: "data", given: &given)
        let merged = schema.merged(with: block)
        do {
            let config = try JSONDecoder().decode(DataConfig.self, from: Data(merged.text().utf8))
            try config.validate()
            return config
        } catch let d as DataConfigError {
            throw ExperimentError(file: file, path: at.isEmpty ? d.field : "\(at).\(d.field)",
                                  problem: "invalid value \(d.value)", allowed: d.allowed)
        } catch let d as DecodingError {
            throw SweepPlan.decodingError(d, file: file, context: "")
        }
    }
}
