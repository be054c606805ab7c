import Foundation

/// One claims-table row recomputed on the replication runs: the same experiment files on other
/// seeds (experiments/replication/), by the same rules.
public struct ReplicationRow: Sendable {
    public var number: String
    public var task: String
    public var claim: String
    /// The experiment the row reads, in the main results and in the replication.
    public var experiment: String
    /// The claims table's verdict (main seeds).
    public var mainVerdict: Verdict
    public var mainSeeds: [Int]
    /// Seeds of the replication runs of `experiment`.
    public var seeds: [Int]
    /// The replication's "ours" cell, its verdict and how the rule applied.
    public var ours: String
    public var verdict: Verdict
    public var reason: String
}

/// The claims table's rows recomputed on `<results>/replication` (runs of
/// experiments/replication/<experiment>.json, whose files differ from the originals only in their
/// seeds). A row is shown when the replication has complete runs of the experiment the claims row
/// reads, its own check reads that experiment too (a CSQA-style row that the main results take
/// from a knowledge-base experiment is not replicated by GSM-style runs), and its runs can test the
/// claim (not CSQA-style scores of models pretrained without the knowledge base). The claims table
/// does not use these runs.
public struct Replication {
    /// The replication's folder inside a results folder.
    public static let folder = "replication"

    public let main: [ClaimCheck]
    public let mainResults: Results
    public let replication: Results

    public init(main: [ClaimCheck], mainResults: Results, replication: Results) {
        self.main = main
        self.mainResults = mainResults
        self.replication = replication
    }

    /// Seeds of the complete runs of an experiment, ascending.
    static func seeds(_ results: Results, _ experiment: String) -> [Int] {
        Array(Set((results.experiments[experiment] ?? []).compactMap(\.seed))).sorted()
    }

    public func rows() -> [ReplicationRow] {
        let checks = ClaimChecker(results: replication).checks()
        return main.compactMap { m in
            guard let e = m.experiment, replication.experiments[e] != nil,
                  let r = checks.first(where: { $0.number == m.number && $0.task == m.task && $0.experiment == e }),
                  r.tested
            else { return nil }
            return ReplicationRow(number: m.number, task: m.task, claim: m.claim, experiment: e,
                                  mainVerdict: m.verdict, mainSeeds: Self.seeds(mainResults, e),
                                  seeds: Self.seeds(replication, e), ours: r.ours, verdict: r.verdict, reason: r.reason)
        }
    }
}
