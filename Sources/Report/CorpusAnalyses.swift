import Foundation

/// One row of the report's table "Claim 5b in other experiments (analyses)" (`CorpusAnalyses`).
public struct CorpusAnalysis: Sendable {
    public var experiment: String
    /// "GSM-style" or "CSQA-style": the world the base models were pretrained on.
    public var task: String
    /// The experiment whose reasoning-corpus runs are compared.
    public var reasoningFrom: String
    public var reasoning: String
    public var generic: String
    /// The compared quantity seed by seed (reasoning gain - generic gain, or reasoning - generic
    /// Quiet-STaR without both baselines), "" when fewer than 2 seeds are shared.
    public var perSeed: String
    public var verdict: Verdict
    public var reason: String
}

/// Claim 5b judged in the experiments the claims table does not read: every experiment with a
/// Quiet-STaR setting on the generic corpus (for instance the same comparison at equal tokens, or
/// with other base models). The rule is claim 5b's; the rows are analyses, not claims.
///
/// The reasoning-corpus side comes from the experiment itself when it has a Quiet-STaR setting on
/// the reasoning corpus. Otherwise it comes from another experiment whose runs are the generic
/// runs' twins: for every seed both ran, the Quiet-STaR and baseline run configs are equal except
/// in `CorpusAnalyses.twinFields` (so the same base model, data and method settings). Experiments
/// that compare both corpora are preferred, then the report order.
public struct CorpusAnalyses {
    public let results: Results
    /// The experiments the claims table's 5b rows read (left out here).
    public let claimed: Set<String>

    /// Config fields in which a generic run may differ from its reasoning twin in another experiment.
    public static let twinFields: Set<String> = ["name", "train.corpus", "train.steps", "eval.every"]

    public init(results: Results, claimed: Set<String>) {
        self.results = results
        self.claimed = claimed
    }

    /// The corpus a setting trained on: its `corpus` override, else `train.corpus` of its runs' config.
    static func corpus(_ s: Setting) -> String? { s.override("corpus") ?? s.runs.first?.trainCorpus }

    /// The rows, in report order of the experiments; a task only when every run of the generic
    /// Quiet-STaR setting was pretrained on its world.
    public func analyses() -> [CorpusAnalysis] {
        var out: [CorpusAnalysis] = []
        for name in results.experimentNames where !claimed.contains(name) {
            let settings = results.settings(of: name)
            guard let qg = ClaimChecker.headline(settings.filter { CorpusAnalyses.corpus($0) == "generic" }) else { continue }
            let bg = settings.first { $0.isBaseline && CorpusAnalyses.corpus($0) == "generic" }
            let partner: (name: String, q: Setting, b: Setting?)?
            if let qr = ClaimChecker.headline(settings.filter { CorpusAnalyses.corpus($0) == "reasoning" }) {
                partner = (name, qr, settings.first { $0.isBaseline && CorpusAnalyses.corpus($0) == "reasoning" })
            } else {
                partner = twin(of: qg, baseline: bg, in: name)
            }
            for task in qg.pretrainedTasks {
                var row = CorpusAnalysis(experiment: name, task: task.name, reasoningFrom: partner?.name ?? "none",
                                         reasoning: "no data", generic: "no data", perSeed: "", verdict: .inconclusive,
                                         reason: "no Quiet-STaR setting on the reasoning corpus here or in a twin experiment")
                if let partner {
                    if let c = CorpusComparison(qr: partner.q, br: partner.b, qg: qg, bg: bg, column: task.column) {
                        row.reasoning = describe(c.reasoning) + (c.gains.map { String(format: "; gain %+.1f pts over its baseline", $0.reasoning) } ?? "")
                        row.generic = describe(c.generic) + (c.gains.map { String(format: "; gain %+.1f pts over its baseline", $0.generic) } ?? "")
                        row.perSeed = c.perSeed.map { (c.gains == nil ? "reasoning - generic " : "difference of gains ") + $0 } ?? ""
                        (row.verdict, row.reason) = (c.verdict, c.reason)
                    } else {
                        row.reason = "no \(task.column) in the Quiet-STaR settings"
                    }
                }
                out.append(row)
            }
        }
        return out
    }

    /// The reasoning-corpus Quiet-STaR setting (and baseline) of another experiment whose runs equal
    /// `qg`'s (and `bg`'s) seed by seed except in `twinFields`.
    func twin(of qg: Setting, baseline bg: Setting?, in name: String) -> (name: String, q: Setting, b: Setting?)? {
        var found: [(name: String, q: Setting, b: Setting?, both: Bool)] = []
        for other in results.experimentNames where other != name {
            let settings = results.settings(of: other)
            let reasoning = settings.filter { CorpusAnalyses.corpus($0) == "reasoning" }
            guard let q = reasoning.first(where: { $0.isQuietSTaR && CorpusAnalyses.twins(qg, $0) }) else { continue }
            let b = bg.flatMap { bg in reasoning.first { $0.isBaseline && CorpusAnalyses.twins(bg, $0) } }
            if bg != nil && b == nil { continue }
            found.append((other, q, b, settings.contains { CorpusAnalyses.corpus($0) == "generic" }))
        }
        return (found.first(where: \.both) ?? found.first).map { ($0.name, $0.q, $0.b) }
    }

    /// Whether two settings ran at least one common seed and, for every common seed, their run
    /// configs are equal except in `twinFields`.
    static func twins(_ a: Setting, _ b: Setting) -> Bool {
        let bySeed = Dictionary(b.runs.compactMap { r in r.seed.map { ($0, r) } }, uniquingKeysWith: { x, _ in x })
        var shared = 0
        for r in a.runs {
            guard let seed = r.seed, let other = bySeed[seed] else { continue }
            guard let ca = r.config, let cb = other.config else { return false }
            let la = RunData.configLeaves(ca), lb = RunData.configLeaves(cb)
            if la.isEmpty || lb.isEmpty { return false }
            for key in Set(la.keys).union(lb.keys) where !twinFields.contains(key) && la[key] != lb[key] { return false }
            shared += 1
        }
        return shared > 0
    }
}

/// Claim 5b's comparison of two corpora: G = (reasoning Quiet-STaR - its baseline) - (generic
/// Quiet-STaR - its baseline) when both baselines have the column, else reasoning - generic
/// Quiet-STaR; bar 0. Used by the claims table and by the analyses.
struct CorpusComparison {
    var reasoning: SeedSummary
    var generic: SeedSummary
    /// Gains over the corpus-matched baselines (points), nil without both baselines.
    var gains: (reasoning: Double, generic: Double)?
    /// "per seed (1 / 2 / 3): ... pts" of the compared quantity, nil with fewer than 2 shared seeds.
    var perSeed: String?
    var verdict: Verdict
    var reason: String

    /// nil when a Quiet-STaR setting lacks the column.
    init?(qr: Setting, br: Setting?, qg: Setting, bg: Setting?, column: String) {
        guard let r = qr.finalSummary(column), let g = qg.finalSummary(column) else { return nil }
        reasoning = r
        generic = g
        var gain = 100 * (r.mean - g.mean), spread = 100 * max(r.spread, g.spread), fewest = min(r.count, g.count)
        if let br, let bg, let b1 = br.finalSummary(column), let b2 = bg.finalSummary(column) {
            gain -= 100 * (b1.mean - b2.mean)
            spread = max(spread, 100 * b1.spread, 100 * b2.spread)
            fewest = min(fewest, b1.count, b2.count)
            gains = (100 * (r.mean - b1.mean), 100 * (g.mean - b2.mean))
            perSeed = ClaimChecker.perSeed([(qr, 1), (br, -1), (qg, -1), (bg, 1)], column)
        } else {
            perSeed = ClaimChecker.perSeed([(qr, 1), (qg, -1)], column)
        }
        (verdict, reason) = VerdictRules.compare(gain: gain, spread: spread, bar: 0, fewestSeeds: fewest)
        reason = "reasoning - generic gain: " + reason
    }
}
