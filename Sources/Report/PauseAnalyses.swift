import Foundation

/// One row of the report's table "Claim 5a in other experiments (analyses)" (`PauseAnalyses`).
public struct PauseAnalysis: Sendable {
    public var experiment: String
    /// "GSM-style" or "CSQA-style": the world the base models were pretrained on.
    public var task: String
    /// The pause setting's label (an experiment may have several).
    public var setting: String
    public var pause: String
    public var quietSTaR: String
    public var baseline: String
    /// Quiet-STaR - pause seed by seed, "" when fewer than 2 seeds are shared.
    public var perSeed: String
    public var verdict: Verdict
    public var reason: String
}

/// Claim 5a judged in the experiments the claims table does not read: every pause-token setting
/// against the Quiet-STaR setting (the headline one, `ClaimChecker.headline`) and the baseline of
/// the same experiment whose overrides other than `method` are the pause setting's. The rule is
/// claim 5a's; the rows are analyses, not claims.
public struct PauseAnalyses {
    public let results: Results
    /// The experiments the claims table's 5a rows read (left out here).
    public let claimed: Set<String>

    public init(results: Results, claimed: Set<String>) {
        self.results = results
        self.claimed = claimed
    }

    /// The rows, in report order of the experiments and of their pause settings; a task only when
    /// every run of the pause setting was pretrained on its world.
    public func analyses() -> [PauseAnalysis] {
        var out: [PauseAnalysis] = []
        for name in results.experimentNames where !claimed.contains(name) {
            let settings = results.settings(of: name)
            for pause in settings.filter(\.isPause) {
                let same = settings.filter { PauseAnalyses.others($0) == PauseAnalyses.others(pause) }
                let q = ClaimChecker.headline(same), base = same.first(where: \.isBaseline)
                for task in pause.pretrainedTasks {
                    var row = PauseAnalysis(experiment: name, task: task.name, setting: pause.label, pause: "no data",
                                            quietSTaR: "no data", baseline: "no data", perSeed: "", verdict: .inconclusive,
                                            reason: "no Quiet-STaR setting with the pause setting's other overrides")
                    if let q {
                        if let c = PauseComparison(q: q, pause: pause, base: base, column: task.column) {
                            row.pause = describe(c.pause)
                            row.quietSTaR = describe(c.quietSTaR) + " (\(q.label))"
                            row.baseline = c.baseline.map(describe) ?? "none"
                            row.perSeed = c.perSeed.map { "Quiet-STaR - pause " + $0 } ?? ""
                            (row.verdict, row.reason) = (c.verdict, c.reason)
                        } else {
                            row.reason = "no \(task.column) in the pause or Quiet-STaR setting"
                        }
                    }
                    out.append(row)
                }
            }
        }
        return out
    }

    /// A setting's overrides other than `method`, as "key=value" in run-id order.
    static func others(_ s: Setting) -> [String] {
        s.overrides.filter { Setting.shortName($0.key) != "method" }.map { "\($0.key)=\($0.value)" }
    }
}

/// Claim 5a's comparison: G = Quiet-STaR - pause tokens, bar B = half the Quiet-STaR gain over the
/// baseline (0 without one); S from the Quiet-STaR and pause settings. Used by the claims table and
/// by the analyses.
struct PauseComparison {
    var pause: SeedSummary
    var quietSTaR: SeedSummary
    var baseline: SeedSummary?
    /// "per seed (1 / 2 / 3): ... pts" of Quiet-STaR - pause, nil with fewer than 2 shared seeds.
    var perSeed: String?
    var verdict: Verdict
    var reason: String

    /// nil when the pause or the Quiet-STaR setting lacks the column.
    init?(q: Setting, pause p: Setting, base: Setting?, column: String) {
        guard let ps = p.finalSummary(column), let qs = q.finalSummary(column) else { return nil }
        pause = ps
        quietSTaR = qs
        baseline = base?.finalSummary(column)
        let bar = baseline.map { max(0, 100 * (qs.mean - $0.mean)) / 2 } ?? 0
        perSeed = ClaimChecker.perSeed([(q, 1), (p, -1)], column)
        (verdict, reason) = VerdictRules.compare(qs, over: ps, bar: bar)
        reason = "Quiet-STaR - pause: " + reason
    }
}
