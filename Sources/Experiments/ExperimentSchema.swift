import Foundation
import QuietSTaR
import SyntheticData

/// The shape of a valid experiment: the defaults encoded as JSON. A user's JSON may contain only
/// keys that exist here (plus the optional ones), with values of the same JSON type.
enum ExperimentSchema {
    /// Keys that are optional (absent from the encoded defaults because their default is null).
    static let optionalLeaves: [String] = ["quietstar.mixingHeadWidth", "quietstar.endMarkerScale",
                                           "quietstar.rewardBaseline", "quietstar.mixingHeadLRScale",
                                           "quietstar.mixingHeadTraining"]
        + CorpusKind.allCases.map { "data.corpus.\($0.rawValue).kbIsA" } + ["data.kb.fineTuneEntityFraction", "data.kb.heldOutGroupFraction", "data.kb.bridges", "data.gsm.shuffleFraction", "eval.cot.steps", "train.packing"]

    /// Keys whose value comes from another field; setting them is an error pointing there.
    static let mirrored: [String: String] = [
        "data.eval.itemsPerSet": "eval.itemsPerSet",
        "quietstar.evalThoughts": "eval.decoding",
    ]

    /// String fields with a closed set of values.
    static let enums: [String: [String]] = [
        "quietstar.method": QuietSTaRConfig.Method.allCases.map(\.rawValue),
        "quietstar.mixingSide": ["thought", "base"],
        "quietstar.mixingActivation": ["none", "sigmoid"],
        "quietstar.rewardBaseline": QuietSTaRConfig.RewardBaseline.allCases.map(\.rawValue),
        "quietstar.mixingHeadTraining": QuietSTaRConfig.MixingHeadTraining.allCases.map(\.rawValue),
        "eval.decoding": ["greedy", "sampled"],
        "train.corpus": ["reasoning", "generic", "base"],
        "data.corpus.packing": Packing.allCases.map(\.rawValue),
        "train.packing": Packing.allCases.map(\.rawValue),
        "data.kb.bridges": Bridges.allCases.map(\.rawValue),
    ]

    /// The default experiment as JSON (keys sorted), with optional leaves as null.
    static let defaults: JSON = nullingAbsentOptionalLeaves(encode(Experiment()))

    /// `tree` with every optional leaf that is absent but whose section is there set to null: an
    /// encoded experiment does not write null values, so absent there means null (not a default).
    static func nullingAbsentOptionalLeaves(_ tree: JSON) -> JSON {
        var out = tree
        for leaf in optionalLeaves {
            let path = leaf.split(separator: ".").map(String.init)
            if out.value(at: path) == nil, case .object? = out.value(at: Array(path.dropLast())) { out.set(path: path, .null) }
        }
        return out
    }

    /// Any Encodable value as `JSON` (sorted keys, so the result is canonical).
    static func encode<T: Encodable>(_ value: T) -> JSON {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try! encoder.encode(value)  // plain structs of numbers and strings
        return try! JSONParser.parse(String(decoding: data, as: UTF8.self))
    }

    /// Every leaf path of the schema, dotted (`quietstar.thoughtLength`).
    static let leafPaths: [String] = {
        var out: [String] = []
        func walk(_ v: JSON, _ path: String) {
            if case .object(let m) = v, !m.isEmpty {
                for (k, c) in m { walk(c, path.isEmpty ? k : path + "." + k) }
            } else { out.append(path) }
        }
        walk(defaults, "")
        return out.filter { $0 != "name" }
    }()

    /// Every dotted path of the schema, sections and leaves (`quietstar`, `quietstar.thoughtLength`).
    static let allPaths: [String] = {
        var out: [String] = []
        func walk(_ v: JSON, _ path: String) {
            if !path.isEmpty && path != "name" { out.append(path) }
            if case .object(let m) = v { for (k, c) in m { walk(c, path.isEmpty ? k : path + "." + k) } }
        }
        walk(defaults, "")
        return out.filter { mirrored[$0] == nil }
    }()

    /// Where a key of this name belongs: the schema paths whose last part is `key`, ignoring case
    /// (`quietstar.thoughtLength` for `thoughtLength`, `data.gsm` for `gsm`).
    static func homes(of key: String) -> [String] {
        allPaths.filter { $0.split(separator: ".").last.map { $0.lowercased() == key.lowercased() } == true }
    }

    /// Checks that `user` fits the schema node `schema` (keys exist, JSON types match, enum
    /// values allowed, mirrored keys absent). `path` is the user-facing path of `user` in the
    /// file; `field` the dotted path inside the experiment. Records every leaf in `given`.
    static func check(_ user: JSON, against schema: JSON, file: String, path: String, field: String,
                      given: inout Set<String>) throws {
        if let target = mirrored[field] {
            throw ExperimentError(file: file, path: path, problem: "this field is derived from \(target)",
                                  allowed: "set \(target) instead")
        }
        if case .object(let s) = schema, !s.isEmpty || field.isEmpty {
            guard case .object(let members) = user else {
                throw ExperimentError(file: file, path: path, problem: "expected an object, found \(user.typeName)",
                                      allowed: "an object with keys " + s.map(\.0).joined(separator: ", "))
            }
            let valid = s.map(\.0).filter { !(field.isEmpty && $0 == "name") && mirrored[join(field, $0)] == nil }
            for (k, v) in members {
                guard let child = schema[k], valid.contains(k) || mirrored[join(field, k)] != nil else {
                    if field.isEmpty && k == "name" {
                        throw ExperimentError(file: file, path: join(path, k), problem: "the name is set at the top level",
                                              allowed: "a top-level \"name\"")
                    }
                    // Inside `base`, a key from another section is named by its full path there.
                    let inBase = path == (field.isEmpty ? "base" : "base." + field)
                    let homes = inBase ? ExperimentSchema.homes(of: k).map { "base." + $0 } : []
                    throw unknownKeyError(file: file, path: path.isEmpty ? "top level" : path, key: k, valid: valid,
                                          homes: homes)
                }
                try check(v, against: child, file: file, path: join(path, k), field: join(field, k), given: &given)
            }
            return
        }
        given.insert(field)
        try checkLeaf(user, against: schema, file: file, path: path, field: field)
    }

    static func checkLeaf(_ user: JSON, against schema: JSON, file: String, path: String, field: String) throws {
        func typeError(_ expected: String) -> ExperimentError {
            let found = user == .null ? "null" : "\(user.typeName) \(user.text())"
            return ExperimentError(file: file, path: path, problem: "wrong type: expected \(expected), found \(found)",
                            allowed: expected)
        }
        func checkEnum(_ s: String) throws {
            if let allowed = enums[field], !allowed.contains(s) {
                let hint = closest(s, in: allowed).map { " (did you mean \"\($0)\"?)" } ?? ""
                throw ExperimentError(file: file, path: path, problem: "unknown value \"\(s)\"\(hint)",
                                      allowed: allowed.joined(separator: ", "))
            }
        }
        // Optional leaves: numbers, or strings of a closed set (`enums`), whether their default
        // is null or not.
        if optionalLeaves.contains(field) {
            if user == .null { return }
            if enums[field] != nil {
                guard case .string(let s) = user else { throw typeError("a string or null") }
                try checkEnum(s)
                return
            }
            guard case .number = user else { throw typeError("a number or null") }
            return
        }
        switch (schema, user) {
        case (.number, .number), (.bool, .bool): return
        case (.string, .string(let s)):
            try checkEnum(s)
        case (.array(let s), .array(let u)):
            let element = s.first ?? (field.hasSuffix("Tokens") ? .number("0") : .string(""))
            for (i, v) in u.enumerated() {
                try checkLeaf(v, against: element, file: file, path: "\(path)[\(i)]", field: field + "[]")
            }
        case (.object, .object): return  // empty objects in the defaults hold no keys to check
        default: throw typeError(schema.typeName)
        }
    }

    static func join(_ a: String, _ b: String) -> String { a.isEmpty ? b : a + "." + b }
}
