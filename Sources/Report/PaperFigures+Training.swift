import Figures
import Foundation

/// Training curves, example thoughts and accuracy by difficulty.
extension PaperFigures {
    func trainingCurves(_ settings: [Setting], _ experiment: String) -> PlannedFigure? {
        let quantities: [(column: String, title: String, y: String, baseline: Bool)] = [
            ("nll_base", "Base NLL (next token, no thought)", "NLL (nats per token)", true),
            ("nll_talk", "Talk NLL (with thought, n_true ahead)", "NLL (nats per token)", false),
            ("reward_mean", "Mean REINFORCE reward", "reward (nats: log p_talk - log p_base)", false),
            ("mixing_weight_mean", "Mean mixing weight w", "w (0 = base only)", false),
        ]
        var smoothing = 1
        let panels = quantities.compactMap { q -> Panel? in
            let series = settings.filter { q.baseline || !$0.isBaseline }.compactMap { s -> Series? in
                guard let c = s.curve("train", q.column) else { return nil }
                let window = max(1, c.steps.count / 25)
                smoothing = max(smoothing, window)
                let m = c.smoothed(window: window)
                return band(s.label, x: m.steps, m.mean, m.min, m.max, dashed: !s.isQuietSTaR, points: false)
            }
            return series.isEmpty ? nil : Panel(title: q.title, xLabel: "training step", yLabel: q.y, series: series)
        }
        guard !panels.isEmpty else { return nil }
        let smoothed = smoothing > 1 ? "trailing moving average over up to \(smoothing) steps; " : ""
        return PlannedFigure(name: "training-curves",
            figure: LineFigure(title: "Training curves (\(experiment); \(smoothed)mean, band = min..max over seeds)\n\(PaperFigures.convention)",
                               panels: panels, layout: .grid(columns: 2), size: PixelSize(width: 1300, height: 1150)),
            caption: "Base and talk NLL, mean reward and mean mixing weight against training step.")
    }

    /// Sample thoughts of the longest-thought Quiet-STaR setting's first seed: the prompt and
    /// the thought in grey, the answer coloured by delta_logp of its first token.
    func exampleThoughts(_ settings: [Setting], _ experiment: String) -> PlannedFigure? {
        let candidates = settings.filter(\.isQuietSTaR).sorted { ($0.thoughtLength ?? 0) > ($1.thoughtLength ?? 0) }
        guard let (setting, run) = candidates.lazy.compactMap({ s in
            s.runs.first { !($0.thoughtTexts["thought"] ?? []).isEmpty }.map { (s, $0) } }).first
        else { return nil }
        let context = run.thoughtTexts["context"] ?? [], thought = run.thoughtTexts["thought"]!
        let answer = run.thoughtTexts["answer"] ?? [], delta = run.thoughtValues["delta_logp"] ?? []
        var tokens: [String] = [], values: [Double?] = []
        func words(_ s: String) -> [String] {
            s.replacingOccurrences(of: "\n", with: " \n ").split(separator: " ").map(String.init)
        }
        for i in thought.indices.prefix(4) {
            if let last = tokens.last, !last.hasSuffix("\n") { tokens.append("\n"); values.append(nil) }
            for w in i < context.count ? words(context[i]) : [] { tokens.append(w); values.append(nil) }
            for w in ["<start>"] + words(thought[i]) + ["<end>"] { tokens.append(w); values.append(nil) }
            let answerWords = i < answer.count ? words(answer[i]) : []
            for (j, w) in answerWords.enumerated() {
                tokens.append(w)
                values.append(j == 0 && i < delta.count && delta[i].isFinite ? delta[i] : nil)
            }
        }
        guard !tokens.isEmpty else { return nil }
        let strip = TokenStrip(title: "Sample thoughts: t = \(setting.thoughtLength.map(String.init) ?? "?"), seed \(run.seed.map(String.init) ?? "?") (\(experiment))",
                               tokens: tokens, values: values,
                               valueLabel: "change in log p(first answer token) with the thought (nats)",
                               neutralMeaning: "grey: prompt, <start> thought <end> (no value)",
                               columns: 100)
        return PlannedFigure(name: "example-thoughts", figure: strip,
                             caption: "Evaluation prompts with the thought sampled before the answer; the answer is coloured by how much the thought changed its log-probability.")
    }

    /// Final accuracy per difficulty level (GSM k operations, CSQA hops) for the baseline and
    /// Quiet-STaR at each thought length (the headline setting alone when there is one length).
    /// Columns are discovered as `<task>_<name><level>_soft`.
    func perDifficulty() -> PlannedFigure? {
        let panels = taskPanels { task, settings, title -> Panel? in
            // The baseline and one Quiet-STaR setting per thought length (claim 3's), or the headline one.
            let lengths = ClaimChecker.onePerThoughtLength(settings)
            let thinking = lengths.count > 1 ? lengths : [ClaimChecker.headline(settings)].compactMap { $0 }
            let chosen = [settings.first(where: \.isBaseline)].compactMap { $0 } + thinking
            let columns = Set(chosen.flatMap { $0.runs.flatMap { Array($0.eval.keys) } })
            var levels: [(level: Double, column: String, unit: String)] = []
            for c in columns {
                guard let unit = PaperFigures.difficultyUnit(c, task: task.stem) else { continue }
                levels.append((unit.level, c, unit.name))
            }
            levels.sort { $0.level < $1.level }
            guard !levels.isEmpty else { return nil }
            let series = chosen.compactMap { s -> Series? in
                let pts = levels.compactMap { l in s.finalSummary(l.column).map { (l.level, $0) } }
                guard !pts.isEmpty else { return nil }
                return band(s.label, x: pts.map(\.0), pts.map { 100 * $0.1.mean }, pts.map { 100 * $0.1.min },
                            pts.map { 100 * $0.1.max }, dashed: s.isBaseline, points: true)
            }
            let unit = levels[0].unit == "k" ? "operations k in the problem" : "\(levels[0].unit): reasoning hops"
            return series.isEmpty ? nil : Panel(title: title, xLabel: "difficulty (\(unit))",
                                                yLabel: "final zero-shot accuracy (soft score, %)", series: series)
        }
        guard !panels.isEmpty else { return nil }
        return PlannedFigure(name: "per-difficulty",
            figure: LineFigure(title: "Accuracy by difficulty: baseline vs Quiet-STaR at each thought length (mean, band = min..max over seeds)",
                               panels: panels, size: PixelSize(width: 1300, height: 600)),
            caption: "Final accuracy per difficulty level for the baseline and Quiet-STaR at each thought length.")
    }

    /// `gsm_k3_soft` -> (3, "k"); `csqa_hop2_soft` -> (2, "hop"); nil for other columns
    /// (including `csqa_hop2_train_soft`).
    static func difficultyUnit(_ column: String, task: String) -> (level: Double, name: String)? {
        let prefix = task + "_", suffix = "_soft"
        guard column.hasPrefix(prefix), column.hasSuffix(suffix) else { return nil }
        let middle = column.dropFirst(prefix.count).dropLast(suffix.count)
        let name = middle.prefix { $0.isLetter }
        let digits = middle.dropFirst(name.count)
        guard !name.isEmpty, !digits.isEmpty, digits.allSatisfy(\.isNumber), let level = Double(digits) else { return nil }
        return (level, String(name))
    }
}

/// Whether a gain lasts: each main comparison at its own length and at a longer one.
extension PaperFigures {
    /// The panels of the head-start figure, in order: experiment, its task column and task name.
    /// The longer experiments (`-long`) repeat their short twin's comparison with more steps.
    static let headStartPanels: [(experiment: String, column: String, task: String)] = [
        ("thought-length", "gsm_soft", "GSM-style"), ("thought-length-long", "gsm_soft", "GSM-style"),
        ("csqa", "csqa_soft", "CSQA-style"), ("csqa-long", "csqa_soft", "CSQA-style"),
    ]

    /// Soft score against training step, seed by seed (a band would hide that the CSQA-style seeds
    /// split into two groups): the headline Quiet-STaR setting (`ClaimChecker.headline`) solid, the
    /// baseline dashed, one panel per experiment of `headStartPanels` that has both. Series of one
    /// seed and method share their name, so their colour, across panels. nil without a `-long`
    /// experiment.
    func headStart() -> PlannedFigure? {
        let drawn = PaperFigures.headStartPanels.compactMap { p -> (experiment: String, panel: Panel)? in
            let settings = results.settings(of: p.experiment)
            guard let q = ClaimChecker.headline(settings), let b = settings.first(where: \.isBaseline) else { return nil }
            var series: [Series] = []
            for (setting, name, dashed) in [(q, "Quiet-STaR t = \(q.thoughtLength ?? 0)", false), (b, "Baseline", true)] {
                for run in setting.runs {
                    guard let c = run.curve("eval", p.column), !c.steps.isEmpty else { continue }
                    series.append(Series(name: "\(name), seed \(run.seed.map(String.init) ?? "?")", x: c.steps,
                                         y: c.values.map { 100 * $0 }, dashed: dashed, showsPoints: true))
                }
            }
            let last = series.compactMap { $0.x.last }.max() ?? 0
            return series.isEmpty ? nil : (p.experiment, Panel(title: "\(p.experiment): \(Int(last)) continued-training steps",
                                                               xLabel: "training step",
                                                               yLabel: "\(p.task) zero-shot accuracy (soft score, %)", series: series))
        }
        guard drawn.contains(where: { $0.experiment.hasSuffix("-long") }) else { return nil }
        return PlannedFigure(name: "head-start",
            figure: LineFigure(title: "Quiet-STaR against the no-thought baseline, seed by seed, at two training lengths",
                               panels: drawn.map(\.panel), layout: .grid(columns: 2), size: PixelSize(width: 1300, height: 1150)),
            caption: "Soft accuracy during training, per seed: thought-length (400 steps) and thought-length-long (1200), "
                + "csqa (200) and csqa-long (400); does a gain last when both models train longer?")
    }
}
