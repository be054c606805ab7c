import Foundation

/// The runs of one experiment that differ only in their seed, with a label in the paper's words.
///
/// Labels: Quiet-STaR settings read "8 thought tokens (paper: 10), 4 ahead": our thought length
/// t counts sampled tokens only, the paper's counts the start and end markers too (t + 2); "ahead"
/// is n_true. `noThought` is "Baseline", `pause` is "Pause tokens". Other overrides are appended
/// readably: "corpus: generic", "r = 4".
public struct Setting: Sendable {
    public var experiment: String
    /// The run id without the seed part.
    public var id: String
    public var label: String
    public var method: String
    public var thoughtLength: Int?
    public var nTrue: Int?
    public var rationales: Int?
    /// Overrides other than the seed, in run-id order.
    public var overrides: [(key: String, value: String)]
    /// Runs sorted by seed.
    public var runs: [RunData]

    public var seeds: [Int] { runs.compactMap(\.seed) }
    public var isQuietSTaR: Bool { method == "quietSTaR" }
    public var isBaseline: Bool { method == "noThought" }
    public var isPause: Bool { method == "pause" }

    /// The value of an override key (e.g. `corpus`), matching the key's last dotted component.
    public func override(_ key: String) -> String? {
        overrides.first { $0.key == key || $0.key.hasSuffix(".\(key)") }?.value
    }

    /// The last dotted component of an override key (`quietstar.nTrue` -> `nTrue`).
    static func shortName(_ key: String) -> String { String(key.split(separator: ".").last ?? Substring(key)) }

    /// The short names of this setting's overrides.
    var overrideNames: Set<String> { Set(overrides.map { Setting.shortName($0.key) }) }

    /// The tasks (`ClaimChecker.tasks`) of the worlds every run of this setting was pretrained on.
    var pretrainedTasks: [(column: String, name: String)] {
        var tasks: [(column: String, name: String)] = []
        if runs.allSatisfy({ $0.pretrainedOnGSMWorld == true }) { tasks.append(ClaimChecker.tasks[0]) }
        if runs.allSatisfy({ $0.pretrainedOnKnowledgeBase == true }) { tasks.append(ClaimChecker.tasks[1]) }
        return tasks
    }

    /// REINFORCE without a baseline (`rewardBaseline` none: the reward itself is the advantage).
    var hasNoRewardBaseline: Bool { override("rewardBaseline") == "none" }

    /// Inference cost in forward passes per token when evaluated (one thought per position):
    /// 1 for the baseline; 1 + t + 2 (base pass, start marker, t thought tokens, end marker)
    /// for Quiet-STaR and pause tokens.
    public var forwardPassesPerToken: Double {
        isBaseline ? 1 : Double(1 + (thoughtLength ?? 0) + 2)
    }

    /// Groups runs by experiment and setting id; settings are ordered baseline first, then
    /// pause, then Quiet-STaR by thought length and n_true, then by id.
    public static func group(_ runs: [RunData]) -> [Setting] {
        var byKey: [String: [RunData]] = [:]
        var order: [String] = []
        for run in runs {
            let key = run.experiment + "\u{0}" + run.settingID
            if byKey[key] == nil { order.append(key) }
            byKey[key, default: []].append(run)
        }
        var settings = order.map { key -> Setting in
            let members = byKey[key]!.sorted { ($0.seed ?? .max, $0.id) < ($1.seed ?? .max, $1.id) }
            let first = members[0]
            return Setting(experiment: first.experiment, id: first.settingID, label: "", method: first.method,
                           thoughtLength: first.thoughtLength, nTrue: first.nTrue, rationales: first.rationales,
                           overrides: first.overrides, runs: members)
        }
        for i in settings.indices { settings[i].label = settings[i].paperLabel }
        // Two settings with the same label (e.g. a baseline repeated for every swept thought
        // length) are told apart by their ids.
        let counts = Dictionary(settings.map { ($0.experiment + "\u{0}" + $0.label, 1) }, uniquingKeysWith: +)
        for i in settings.indices where counts[settings[i].experiment + "\u{0}" + settings[i].label]! > 1 {
            settings[i].label += " [\(settings[i].id)]"
        }
        func rank(_ s: Setting) -> Int { s.isBaseline ? 0 : s.isPause ? 1 : s.isQuietSTaR ? 2 : 3 }
        return settings.sorted {
            (rank($0), $0.thoughtLength ?? 0, $0.nTrue ?? 0, $0.rationales ?? 0, $0.id)
                < (rank($1), $1.thoughtLength ?? 0, $1.nTrue ?? 0, $1.rationales ?? 0, $1.id)
        }
    }

    /// The label built from method, thought length, n_true and the other overrides.
    var paperLabel: String {
        var parts: [String]
        var shown: Set<String> = ["method"]
        switch method {
        case "noThought":
            parts = ["Baseline"]
            shown.formUnion(["thoughtLength", "nTrue", "rationales"])
        case "pause":
            parts = ["Pause tokens" + (thoughtLength.map { " (t = \($0))" } ?? "")]
            shown.formUnion(["thoughtLength", "nTrue"])
        case "quietSTaR":
            var head = thoughtLength.map { "\($0) thought tokens (paper: \($0 + 2))" } ?? "Quiet-STaR"
            if let n = nTrue { head += ", \(n) ahead" }
            parts = [head]
            shown.formUnion(["thoughtLength", "nTrue"])
        default:
            parts = [method]
        }
        for (key, value) in overrides {
            let short = Setting.shortName(key)
            if shown.contains(short) { continue }
            switch short {
            case "rationales": parts.append("r = \(value)")
            case "nTrue": parts.append("n_true = \(value)")
            case "thoughtLength": parts.append("t = \(value)")
            case "policyWeight": parts.append("policy weight \(value)")
            case "mixingHeadLRScale": parts.append("mixing head at \(value)x the learning rate")
            case "mixingHeadTraining":
                parts.append(value == "firstTalkStep" ? "mixing head trained by the first talk step" : "mixing head trained by every talk step")
            case "rewardBaseline": parts.append(value == "none" ? "no reward baseline" : "reward baseline: \(value)")
            default: parts.append("\(short): \(value)")
            }
        }
        return parts.joined(separator: ", ")
    }

    /// Final evaluation values of `column`, one per run that has a finite one.
    public func finals(_ column: String) -> [Double] { runs.compactMap { $0.finalEval(column) } }

    /// Mean and spread over seeds of the final `column`; nil when no run has it.
    public func finalSummary(_ column: String) -> SeedSummary? { SeedSummary(finals(column)) }

    /// Mean, min..max and std over runs of `column` in `group` (`train` or `eval`) at every step
    /// that all runs logged with a finite value.
    public func curve(_ group: String, _ column: String) -> SeedCurve? {
        SeedCurve(runs: runs.compactMap { $0.curve(group, column) })
    }
}
