import Foundation
import HDF5Log
import QuietSTaR

/// The in-memory log of one run, written whole (atomically) to `<run-id>.h5` at every
/// evaluation. Names are documented in results/README.md.
struct RunRecord {
    /// Version of the suite written into every log.
    static let softwareVersion = "quietstar-suite 0.1.0"

    var attributes: [String: AttributeValue]
    var train: [String: [Double]] = [:]
    var trainInt: [String: [Int64]] = [:]
    var eval: [String: [Double]] = [:]
    var evalSteps: [Int64] = []
    var extra: [String: [String: Column]] = [:]

    static let trainColumns = ["loss", "nll_base", "nll_talk", "policy_loss", "reward_mean", "mixing_weight_mean",
                               "grad_norm", "lr", "seconds"]

    init(plan: String, run: RunSpec) {
        let q = run.experiment.quietstar
        attributes = [
            "config": .string(run.resolved.text()),
            "status": .string("running"),
            "software_version": .string(RunRecord.softwareVersion),
            "experiment": .string(plan),
            "run": .string(run.id),
            "method": .string(q.method.rawValue),
            "seed": .int(Int64(run.experiment.train.seed)),
            "thoughtLength": .int(Int64(q.thoughtLength)),
            "rationales": .int(Int64(q.rationales)),
            "nTrue": .int(Int64(q.nTrue)),
        ]
        for c in RunRecord.trainColumns { train[c] = [] }
        trainInt = ["step": [], "tokens": []]
    }

    mutating func addStep(_ step: Int, _ s: StepStats, lr: Float, seconds: Double) {
        trainInt["step"]!.append(Int64(step))
        trainInt["tokens"]!.append(Int64(s.tokens))
        let values: [String: Double] = [
            "loss": Double(s.loss), "nll_base": Double(s.nllBase), "nll_talk": Double(s.nllTalk),
            "policy_loss": Double(s.policyLoss), "reward_mean": Double(s.rewardMean),
            "mixing_weight_mean": Double(s.mixingWeightMean), "grad_norm": Double(s.gradNorm),
            "lr": Double(lr), "seconds": seconds,
        ]
        for (k, v) in values { train[k]!.append(v) }
    }

    mutating func addEval(_ step: Int, _ r: Evaluator.Result) {
        evalSteps.append(Int64(step))
        var values: [String: Double] = ["gsm_soft": r.gsmSoft, "gsm_exact": r.gsmExact,
                                        "csqa_soft": r.csqaSoft, "csqa_exact": r.csqaExact]
        for s in r.sets { values["\(s.column)_soft"] = s.soft; values["\(s.column)_exact"] = s.exact }
        for (k, v) in values { eval[k, default: []].append(v) }
    }

    var log: RunLog {
        var trainGroup: [String: Column] = [:]
        for (k, v) in train { trainGroup[k] = .double(v) }
        for (k, v) in trainInt { trainGroup[k] = .int(v) }
        var evalGroup: [String: Column] = ["step": .int(evalSteps)]
        for (k, v) in eval { evalGroup[k] = .double(v) }
        var groups: [String: [String: Column]] = ["train": trainGroup, "eval": evalGroup]
        for (k, v) in extra { groups[k] = v }
        return RunLog(attributes: attributes, groups: groups)
    }

    func write(to path: String) throws { try log.write(to: path) }
}

/// Where a run stands, from its log on disk.
public enum RunStatus: Equatable, Sendable, CustomStringConvertible {
    case notStarted
    /// A log exists but the run did not finish (interrupted): it will be restarted.
    case incomplete
    case complete
    /// Diverged (`failed: ... at step N`): deterministic, so not recomputed.
    case failed(String)

    public var isFinished: Bool { self == .complete || { if case .failed = self { return true }; return false }() }

    public var description: String {
        switch self {
        case .notStarted: return "not started"
        case .incomplete: return "interrupted (will restart)"
        case .complete: return "complete"
        case .failed(let why): return why
        }
    }

    public static func read(_ path: String) -> RunStatus {
        guard FileManager.default.fileExists(atPath: path) else { return .notStarted }
        guard let log = try? RunLog.read(from: path), let s = log.attributes["status"]?.stringValue else { return .incomplete }
        if s == "complete" { return .complete }
        if s.hasPrefix("failed") { return .failed(s) }
        return .incomplete
    }
}
