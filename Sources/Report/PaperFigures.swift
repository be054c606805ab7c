import Figures
import Foundation

/// A figure to render, with a one-line description for the report.
public struct PlannedFigure: Sendable {
    public var name: String
    public var figure: any Figure
    public var caption: String
}

/// Builds the paper's figures from the runs (specifications only; `ReportGenerator` renders).
/// Every figure whose data is absent is named in `missing` instead.
public struct PaperFigures {
    public let results: Results
    public let checker: ClaimChecker
    public init(results: Results) {
        self.results = results
        checker = ClaimChecker(results: results)
    }

    static let convention = "thought tokens t = sampled tokens; paper's label = t + 2 (counts the start/end markers)"
    static let tasks: [(stem: String, title: String)] = [("gsm", "GSM-style (synthetic GSM8K)"),
                                                         ("csqa", "CSQA-style (synthetic CommonsenseQA)")]

    public func plan() -> (figures: [PlannedFigure], missing: [String]) {
        var figures: [PlannedFigure] = [], missing: [String] = []
        func add(_ name: String, _ f: PlannedFigure?, _ why: String) {
            if let f { figures.append(f) } else { missing.append("\(name): \(why)") }
        }
        let main = checker.mainExperiment
        let settings = main.map(results.settings(of:)) ?? []
        let noMain = "no experiment with complete Quiet-STaR runs (thought-length is missing)"
        add("figure2-accuracy-vs-step", accuracyVsStep(), noMain)
        add("figure2-accuracy-vs-compute", accuracyVsCompute(), main == nil ? noMain : "no final accuracies")
        add("figure5-cot-majority", cotMajority(), "no /cot data (the cot experiment is missing or logged no maj@k)")
        let tokenRuns = settings.filter(\.isQuietSTaR).flatMap(\.runs).filter { !($0.tokens["delta_logp"] ?? []).isEmpty }
        add("improvement-density", main.flatMap { improvementDensity(tokenRuns, $0) }, "no /tokens data in Quiet-STaR runs")
        add("improvement-histogram", main.flatMap { improvementHistogram(tokenRuns, $0) }, "no /tokens data in Quiet-STaR runs")
        add("training-curves", main.flatMap { trainingCurves(settings, $0) }, main == nil ? noMain : "no /train data")
        add("example-thoughts", main.flatMap { exampleThoughts(settings, $0) }, "no /thoughts data in Quiet-STaR runs")
        add("per-difficulty", perDifficulty(), "no per-difficulty evaluation columns (gsm_k*_soft, csqa_hop*_soft)")
        add("ablations", ablationsFigure(), "no complete Quiet-STaR runs with overrides in the ablations experiment")
        add("head-start", headStart(), "no complete Quiet-STaR and baseline runs of thought-length-long or csqa-long (the main comparisons trained longer)")
        return (figures, missing)
    }

    // MARK: Figure 2

    /// Each task's panel comes from the experiment its claims use (`ClaimChecker.experiment(for:)`):
    /// the CSQA-style panel from `csqa`, whose base models saw the knowledge-base world, when it has
    /// runs. The experiment is named in the panel's title.
    func taskPanels(_ make: (_ task: (stem: String, title: String), _ settings: [Setting], _ title: String) -> Panel?) -> [Panel] {
        PaperFigures.tasks.compactMap { task in
            guard let e = checker.experiment(for: "\(task.stem)_soft") else { return nil }
            return make(task, results.settings(of: e), "\(task.title): \(e)")
        }
    }

    func accuracyVsStep() -> PlannedFigure? {
        let panels = taskPanels { task, settings, title -> Panel? in
            let series = settings.compactMap { s -> Series? in
                guard let c = s.curve("eval", "\(task.stem)_soft") else { return nil }
                return band(s.label, x: c.steps, c.mean.map { 100 * $0 }, c.min.map { 100 * $0 }, c.max.map { 100 * $0 },
                            dashed: !s.isQuietSTaR)
            }
            return series.isEmpty ? nil : Panel(title: title, xLabel: "training step (optimizer steps)",
                                                yLabel: "zero-shot accuracy (soft score, %)", series: series)
        }
        guard !panels.isEmpty else { return nil }
        return PlannedFigure(name: "figure2-accuracy-vs-step",
            figure: LineFigure(title: "Figure 2: zero-shot accuracy vs training step (mean, band = min..max over seeds)\n\(PaperFigures.convention)",
                               panels: panels, size: PixelSize(width: 1300, height: 640)),
            caption: "Zero-shot soft accuracy during training, per setting; line = mean over seeds, band = min..max.")
    }

    func accuracyVsCompute() -> PlannedFigure? {
        let panels = taskPanels { task, settings, title -> Panel? in
            let column = "\(task.stem)_soft"
            var series: [Series] = []
            let thinking = settings.filter(\.isQuietSTaR).compactMap { s in s.finalSummary(column).map { (s.forwardPassesPerToken, $0) } }
            var byPasses: [Double: SeedSummary] = [:]
            for (x, v) in thinking where byPasses[x].map({ $0.count < v.count }) ?? true { byPasses[x] = v }
            let xs = byPasses.keys.sorted()
            let maxX = max(xs.last ?? 4, 4)
            // The baseline first, so that it keeps the colour it has in the other figures.
            if let b = settings.first(where: \.isBaseline)?.finalSummary(column) {
                series.append(band("Baseline (1 pass per token)", x: [1, maxX], [100 * b.mean, 100 * b.mean],
                                   [100 * b.min, 100 * b.min], [100 * b.max, 100 * b.max], dashed: true, points: false))
            }
            if !xs.isEmpty {
                let ts = xs.map { String(Int($0) - 3) }.joined(separator: ", ")
                series.append(band("Quiet-STaR, t = \(ts) (left to right)", x: xs, xs.map { 100 * byPasses[$0]!.mean },
                                   xs.map { 100 * byPasses[$0]!.min }, xs.map { 100 * byPasses[$0]!.max }, dashed: false, points: true))
            }
            for s in settings where s.isPause {
                if let v = s.finalSummary(column) {
                    series.append(band(s.label, x: [s.forwardPassesPerToken], [100 * v.mean], [100 * v.min], [100 * v.max],
                                       dashed: false, points: true))
                }
            }
            return series.isEmpty ? nil : Panel(title: title,
                xLabel: "inference forward passes per token (1 + t + 2; baseline 1), log scale",
                yLabel: "final zero-shot accuracy (soft score, %)", series: series, xRange: 0.9...(maxX * 1.15), logX: true)
        }
        guard !panels.isEmpty else { return nil }
        return PlannedFigure(name: "figure2-accuracy-vs-compute",
            figure: LineFigure(title: "Final accuracy vs inference compute (mean, band/bars = min..max over seeds)\n\(PaperFigures.convention)",
                               panels: panels, size: PixelSize(width: 1300, height: 640)),
            caption: "Final zero-shot soft accuracy against forward passes per token at inference (one thought per position: base pass + start + t + end).")
    }

    // MARK: Figure 5

    func cotMajority() -> PlannedFigure? {
        let experiments = results.experiments["cot"] != nil ? ["cot"] : results.experimentNames
        var series: [Series] = []
        for e in experiments {
            for s in results.settings(of: e) {
                let prefix = experiments.count > 1 ? "\(e): " : ""
                if let c = s.curve("cot", "accuracy") {
                    let name = s.isBaseline ? "Baseline model" : "\(s.label)"
                    series.append(band(prefix + name, x: c.steps, c.mean.map { 100 * $0 }, c.min.map { 100 * $0 },
                                       c.max.map { 100 * $0 }, dashed: s.isBaseline, points: true))
                }
                // A no-thought model's "thoughts off" curve is its own curve again; drawn once.
                if !s.isBaseline, let c = s.curve("cot", "accuracy_base") {
                    series.append(band(prefix + "\(s.label): thoughts off", x: c.steps, c.mean.map { 100 * $0 },
                                       c.min.map { 100 * $0 }, c.max.map { 100 * $0 }, dashed: true, points: true))
                }
            }
        }
        guard !series.isEmpty else { return nil }
        let items = ClaimChecker.cotItems(experiments.flatMap { results.settings(of: $0) })
        let panel = Panel(title: "Figure 5: CoT maj@k, GSM-style (mean; band: min..max over seeds)\nitems: \(items)",
                          xLabel: "k (sampled chains of thought voting)", yLabel: "maj@k accuracy (%)", series: series)
        return PlannedFigure(name: "figure5-cot-majority", figure: LineFigure(panel, size: PixelSize(width: 900, height: 640)),
                             caption: "Chain-of-thought maj@k accuracy for k = 1..8 with and without Quiet-STaR.")
    }

    // MARK: per-token improvement

    /// Pooled (nll_base, delta_logp) of the runs' `/tokens`.
    static func pooledTokens(_ runs: [RunData]) -> (nll: [Double], delta: [Double]) {
        var nll: [Double] = [], delta: [Double] = []
        for r in runs {
            guard let n = r.tokens["nll_base"], let d = r.tokens["delta_logp"], n.count == d.count else { continue }
            for (a, b) in zip(n, d) where a.isFinite && b.isFinite { nll.append(a); delta.append(b) }
        }
        return (nll, delta)
    }

    static func quantile(_ v: [Double], _ q: Double) -> Double {
        let s = v.sorted()
        return s[min(s.count - 1, max(0, Int((Double(s.count - 1) * q).rounded())))]
    }

    func improvementDensity(_ runs: [RunData], _ experiment: String) -> PlannedFigure? {
        let (nll, delta) = PaperFigures.pooledTokens(runs)
        guard nll.count >= 2 else { return nil }
        let xHi = max(PaperFigures.quantile(nll, 0.995), 1e-3)
        let yLim = max(abs(PaperFigures.quantile(delta, 0.005)), abs(PaperFigures.quantile(delta, 0.995)), 1e-3)
        guard let heat = try? Heatmap(
            title: "Which tokens thinking helps (\(experiment), \(nll.count) tokens pooled over \(runs.count) Quiet-STaR runs; central 99% shown)",
            xLabel: "base-model NLL of the token (nats)", yLabel: "change in log p(token) with thinking (nats)",
            colorLabel: "tokens per bin (log scale)", x: nll, y: delta, xBins: 40, yBins: 40,
            xRange: 0...xHi, yRange: -yLim...yLim, logColor: true, referenceY: 0, size: PixelSize(width: 1000, height: 650))
        else { return nil }
        return PlannedFigure(name: "improvement-density", figure: heat,
                             caption: "2-D density of the per-token log-probability change from thinking against the token's base NLL.")
    }

    func improvementHistogram(_ runs: [RunData], _ experiment: String) -> PlannedFigure? {
        let (nll, delta) = PaperFigures.pooledTokens(runs)
        guard nll.count >= 2 else { return nil }
        let order = nll.indices.sorted { nll[$0] > nll[$1] }
        let hard = order.prefix(max(1, Int((Double(nll.count) * VerdictRules.hardFraction).rounded(.up)))).map { delta[$0] }
        let lim = max(abs(PaperFigures.quantile(delta, 0.005)), abs(PaperFigures.quantile(delta, 0.995)), 1e-3)
        guard var h = try? Histogram(title: "Per-token change from thinking (\(experiment), \(runs.count) Quiet-STaR runs; central 99% range)",
                                     xLabel: "change in log p(token) with thinking (nats; > 0 = thinking helped)",
                                     yLabel: "fraction of tokens in the group",
                                     samples: [("all tokens (n = \(delta.count))", delta), ("hardest 10% by base NLL (n = \(hard.count))", hard)],
                                     binCount: 50, range: -lim...lim, referenceX: 0, size: PixelSize(width: 1000, height: 600))
        else { return nil }
        h.series = zip(h.series, [delta.count, hard.count]).map { s, n in
            Histogram.Counts(name: s.name, counts: s.counts.map { $0 / Double(n) })
        }
        return PlannedFigure(name: "improvement-histogram", figure: h,
                             caption: "Distribution of the per-token log-probability change, all tokens vs the hardest 10%.")
    }

    // MARK: helpers

    func band(_ name: String, x: [Double], _ y: [Double], _ lo: [Double], _ hi: [Double], dashed: Bool, points: Bool? = nil) -> Series {
        let hasBand = zip(lo, hi).contains { $0 < $1 }
        return Series(name: name, x: x, y: y, lower: hasBand ? lo : nil, upper: hasBand ? hi : nil, dashed: dashed, showsPoints: points)
    }
}
