import Foundation

/// Mean and spread of one quantity over seeds.
///
/// `spread` is max - min; `std` is the sample standard deviation (n - 1 in the denominator,
/// 0 for a single seed). NaN and infinite values are dropped before summarising.
public struct SeedSummary: Sendable, Equatable {
    public var values: [Double]
    public var mean: Double
    public var min: Double
    public var max: Double
    public var std: Double

    public var count: Int { values.count }
    public var spread: Double { max - min }

    /// nil when no finite value is given.
    public init?(_ raw: [Double]) {
        let v = raw.filter(\.isFinite)
        guard !v.isEmpty else { return nil }
        values = v
        mean = v.reduce(0, +) / Double(v.count)
        min = v.min()!
        max = v.max()!
        let m = mean
        std = v.count > 1 ? (v.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(v.count - 1)).squareRoot() : 0
    }
}

/// A quantity logged per step by several runs, summarised over runs at each step they share.
public struct SeedCurve: Sendable, Equatable {
    public var steps: [Double]
    /// `summaries[i]` summarises the runs at `steps[i]`.
    public var summaries: [SeedSummary]
    /// Number of runs summarised.
    public var runCount: Int

    public var mean: [Double] { summaries.map(\.mean) }
    public var min: [Double] { summaries.map(\.min) }
    public var max: [Double] { summaries.map(\.max) }
    public var std: [Double] { summaries.map(\.std) }

    /// Keeps the steps present in every run with a finite value in every run (a run that logged
    /// NaN at a step removes that step); nil when no run or no common step is left.
    public init?(runs: [(steps: [Double], values: [Double])]) {
        guard !runs.isEmpty else { return nil }
        let tables = runs.map { run -> [Double: Double] in
            var table: [Double: Double] = [:]
            for (s, v) in zip(run.steps, run.values) where v.isFinite { table[s] = v }
            return table
        }
        var common = Set(tables[0].keys)
        for t in tables.dropFirst() { common.formIntersection(t.keys) }
        guard !common.isEmpty else { return nil }
        steps = common.sorted()
        summaries = steps.map { s in SeedSummary(tables.map { $0[s]! })! }
        runCount = runs.count
    }

    /// A trailing moving average of the mean, min and max over `window` steps (window 1: unchanged).
    public func smoothed(window: Int) -> (steps: [Double], mean: [Double], min: [Double], max: [Double]) {
        func average(_ v: [Double]) -> [Double] {
            guard window > 1 else { return v }
            var out: [Double] = [], sum = 0.0
            for i in v.indices {
                sum += v[i]
                if i >= window { sum -= v[i - window] }
                out.append(sum / Double(Swift.min(i + 1, window)))
            }
            return out
        }
        return (steps, average(mean), average(min), average(max))
    }
}
