import Foundation

/// The outcome of checking one claim of the paper against our runs.
public enum Verdict: String, Sendable, Equatable {
    case holds = "holds"
    case doesNotHold = "does not hold"
    case inconclusive = "inconclusive"
}

/// The explicit rules by which a verdict is reached. Accuracies are compared in percentage
/// points; S is the larger seed spread (max - min over seeds) of the settings compared.
///
/// Comparison rule (claims 1, 2, 5, 6, 7): with gain G (points) and a bar B,
/// - inconclusive when a setting has fewer than 2 seeds (no spread can be measured);
/// - holds when G >= B and G > 2 S;
/// - does not hold when G < B - 2 S (the shortfall is larger than the seed noise can explain);
/// - otherwise inconclusive.
public enum VerdictRules {
    /// The threshold for claims 1 and 2: +5 points.
    public static let headlineBar = 5.0
    /// Claim 4: hard tokens must gain at least this many times the mean over all tokens.
    public static let hardTokenRatio = 3.0
    /// Claim 4: the hardest fraction of tokens by base NLL.
    public static let hardFraction = 0.10

    /// Applies the comparison rule. `gain`, `spread` and `bar` are in points.
    public static func compare(gain: Double, spread: Double, bar: Double, fewestSeeds: Int) -> (Verdict, String) {
        let g = fmt(gain), s2 = fmt(2 * spread), b = fmt(bar)
        if fewestSeeds < 2 {
            return (.inconclusive, "a setting has \(fewestSeeds) seed(s): no spread to judge against")
        }
        if gain >= bar && gain > 2 * spread { return (.holds, "gain \(g) >= bar \(b) and > 2S = \(s2)") }
        if gain < bar - 2 * spread { return (.doesNotHold, "gain \(g) < bar \(b) - 2S = \(fmt(bar - 2 * spread))") }
        return (.inconclusive, "gain \(g) vs bar \(b): within 2S = \(s2) of it")
    }

    /// Compares two seed summaries of accuracies (fractions): gain = a - b in points.
    public static func compare(_ a: SeedSummary, over b: SeedSummary, bar: Double) -> (Verdict, String) {
        compare(gain: 100 * (a.mean - b.mean), spread: 100 * Swift.max(a.spread, b.spread), bar: bar,
                fewestSeeds: Swift.min(a.count, b.count))
    }

    /// Monotonicity rule (claim 3), for final accuracies ordered by thought length:
    /// - inconclusive with fewer than 3 lengths, or a length with fewer than 2 seeds;
    /// - holds when the means never decrease and last - first > 2 S;
    /// - does not hold when some shorter length beats some longer one by more than 2 S;
    /// - otherwise inconclusive.
    public static func monotone(_ ordered: [SeedSummary]) -> (Verdict, String) {
        guard ordered.count >= 3 else { return (.inconclusive, "only \(ordered.count) thought length(s); need >= 3") }
        let fewest = ordered.map(\.count).min()!
        if fewest < 2 { return (.inconclusive, "a length has \(fewest) seed(s): no spread to judge against") }
        let m = ordered.map { 100 * $0.mean }
        let s = 100 * ordered.map(\.spread).max()!
        var worst = 0.0
        for i in m.indices { for j in m.indices where j > i { worst = Swift.max(worst, m[i] - m[j]) } }
        let rising = zip(m, m.dropFirst()).allSatisfy { $0 <= $1 }
        if rising && m.last! - m.first! > 2 * s {
            return (.holds, "means never decrease; longest - shortest = \(fmt(m.last! - m.first!)) > 2S = \(fmt(2 * s))")
        }
        if worst > 2 * s { return (.doesNotHold, "a shorter thought beats a longer one by \(fmt(worst)) > 2S = \(fmt(2 * s))") }
        return (.inconclusive, "largest reversal \(fmt(worst)), longest - shortest \(fmt(m.last! - m.first!)), 2S = \(fmt(2 * s))")
    }

    /// Hard-token rule (claim 4): with H the mean delta_logp on the hardest 10% of tokens by base
    /// NLL and A the mean over all tokens (pooled over runs),
    /// - holds when H > 0, H >= 3 |A| and H > A in every run;
    /// - does not hold when H <= 0 or H <= A;
    /// - otherwise inconclusive.
    public static func hardTokens(pooled: HardTokenEffect, perRun: [HardTokenEffect]) -> (Verdict, String) {
        let h = pooled.hard, a = pooled.all
        let text = "H = \(fmt3(h)), A = \(fmt3(a)) nats"
        if h <= 0 || h <= a + 1e-9 { return (.doesNotHold, text + ": hard tokens do not gain more") }
        let ahead = perRun.filter { $0.hard > $0.all }.count
        let everyRun = ahead == perRun.count
        if h >= hardTokenRatio * abs(a) && everyRun {
            return (.holds, text + ": H >= \(Int(hardTokenRatio)) |A| and H > A in all \(perRun.count) runs")
        }
        return (.inconclusive, text + (everyRun ? ": H > A but H < \(Int(hardTokenRatio)) |A|"
                                                : ": H > A pooled but not in every run (in \(ahead) of \(perRun.count))"))
    }

    /// Combines several comparisons: holds if all hold, does not hold if any does not, else inconclusive.
    public static func all(_ verdicts: [Verdict]) -> Verdict {
        if verdicts.isEmpty { return .inconclusive }
        if verdicts.contains(.doesNotHold) { return .doesNotHold }
        return verdicts.allSatisfy { $0 == .holds } ? .holds : .inconclusive
    }

    static func fmt(_ x: Double) -> String { signed(x) + " pts" }
    /// Points with their sign, one decimal: "+11.8", "-0.9".
    static func signed(_ x: Double) -> String { String(format: "%+.1f", x).replacingOccurrences(of: "+-", with: "-") }
    static func fmt3(_ x: Double) -> String { String(format: "%.3f", x) }
}

/// Mean change in log-probability from thinking on the hardest tokens and on all tokens.
public struct HardTokenEffect: Sendable, Equatable {
    /// Mean delta_logp over the hardest `fraction` of tokens by base NLL (nats).
    public var hard: Double
    /// Mean delta_logp over all tokens (nats).
    public var all: Double
    public var tokenCount: Int

    /// nil when there are no tokens with finite values.
    public init?(nllBase: [Double], deltaLogp: [Double], fraction: Double = VerdictRules.hardFraction) {
        let pairs = zip(nllBase, deltaLogp).filter { $0.0.isFinite && $0.1.isFinite }
        guard !pairs.isEmpty else { return nil }
        let sorted = pairs.sorted { $0.0 > $1.0 }
        let n = Swift.max(1, Int((Double(sorted.count) * fraction).rounded(.up)))
        hard = sorted.prefix(n).map(\.1).reduce(0, +) / Double(n)
        all = pairs.map(\.1).reduce(0, +) / Double(pairs.count)
        tokenCount = pairs.count
    }
}
