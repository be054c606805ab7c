import Foundation

/// The text of `results/REPORT.md`: claims with verdicts, all settings, wall time, figures,
/// what is missing, and the researchers' notes carried over from the previous report.
public struct ReportDocument {
    public static let notesStart = "<!-- notes -->"
    public static let notesEnd = "<!-- /notes -->"
    static let emptyNotes = "_Hand-written notes go here; the text between the notes markers survives regeneration._"

    public var results: Results
    public var checks: [ClaimCheck]
    /// (file name relative to the report, caption) of every rendered figure.
    public var figures: [(path: String, caption: String)]
    /// Figures not drawn, and why.
    public var missingFigures: [String]
    /// The text between the notes markers of the previous report (nil: none).
    public var notes: String?
    /// Base-model check tables (`sweep base-checks`), by experiment.
    public var baseChecks: [(experiment: String, table: String)] = []
    /// File name of an experiment's base-model checks inside its results folder.
    public static let baseChecksFile = "base-checks.md"
    /// Thought-content tables (`sweep thought-content`), by experiment.
    public var thoughtContent: [(experiment: String, table: String)] = []
    /// Claim 5b's rule applied to the experiments the claims table does not read (`CorpusAnalyses`).
    public var corpusAnalyses: [CorpusAnalysis] = []
    /// Claim 5a's rule applied to the experiments the claims table does not read (`PauseAnalyses`).
    public var pauseAnalyses: [PauseAnalysis] = []
    /// The claims rows recomputed on `<results>/replication` (other seeds).
    public var replication: [ReplicationRow] = []
    public static let thoughtContentFile = "thought-content.md"

    public init(results: Results, checks: [ClaimCheck], figures: [(path: String, caption: String)],
                missingFigures: [String], notes: String?) {
        self.results = results
        self.checks = checks
        self.figures = figures
        self.missingFigures = missingFigures
        self.notes = notes
    }

    /// The text between the first `<!-- notes -->` and the following `<!-- /notes -->`, with
    /// surrounding blank lines trimmed; nil when the markers are absent.
    public static func extractNotes(from previous: String) -> String? {
        guard let start = previous.range(of: notesStart),
              let end = previous.range(of: notesEnd, range: start.upperBound..<previous.endIndex) else { return nil }
        return String(previous[start.upperBound..<end.lowerBound]).trimmingCharacters(in: .newlines)
    }

    public var markdown: String {
        var out: [String] = []
        out.append("# Quiet-STaR at laptop scale: results report")
        out.append("")
        out.append("Written by `swift run sweep figures` from the run logs in `\(results.directory)`; everything outside "
            + "the notes section is regenerated. Only runs with status `complete` count. Accuracies are the final "
            + "evaluation (last step), mean over seeds; spread = max - min over seeds; std = sample standard deviation. "
            + "Thought lengths t count sampled thought tokens; the paper's labels count the start and end markers too (t + 2). "
            + "Our tasks are synthetic GSM-style and CSQA-style sets for tiny models, so the paper's numbers (Mistral 7B on "
            + "GSM8K / CommonsenseQA) are shown for direction, not for equality.")
        out += ["", "## Base-model checks", ""] + baseChecksSection
        out += ["", "## Claims", ""] + claimsTable + ["", "### Verdict rules", ""] + rules
        out += ["", "### Claim 5a in other experiments (analyses)", ""] + pauseAnalysesSection
        out += ["", "### Claim 5b in other experiments (analyses)", ""] + corpusAnalysesSection
        out += ["", "### Replication on other seeds", ""] + replicationSection
        out += ["", "## All settings", ""] + settingsTables
        out += ["", "## Thought content", ""] + thoughtContentSection
        out += ["", "## Wall time", ""] + wallTime
        out += ["", "## Figures", ""] + figureList
        out += ["", "## What is missing", ""] + missing
        out += ["", "## Notes", "", ReportDocument.notesStart, notes.map { $0.isEmpty ? ReportDocument.emptyNotes : $0 } ?? ReportDocument.emptyNotes,
                ReportDocument.notesEnd, ""]
        return out.joined(separator: "\n")
    }

    /// Thinking can only help where worked steps and the oracle solution beat direct answers.
    var baseChecksSection: [String] {
        var out = ["Before any continued training, each base model answers every held-out set three ways (`sweep base-checks`): "
                   + "directly after `A:`, after writing its own worked steps (greedy after `A: steps:`; exact match of the last "
                   + "answer token it writes), and after the true solution given as an oracle. Thoughts can only help where "
                   + "the last two are well above the first."]
        if baseChecks.isEmpty { return out + ["", "_No base-check tables (`results/<experiment>/\(ReportDocument.baseChecksFile)`)._"] }
        for (e, table) in baseChecks { out += ["", "### \(e)", "", table] }
        return out
    }

    /// Whether what a thought says matters: each Quiet-STaR run with its own, another item's, its own
    /// shuffled, pause and no thoughts.
    var thoughtContentSection: [String] {
        var out = ["Each Quiet-STaR run, from its checkpoint, answers the held-out sets (soft score, mean over the task's "
                   + "sets) after its own thought, after the thought it wrote for the next item of the same set (another "
                   + "problem), after its own thought with its tokens in a random order, after t pause tokens, and with no "
                   + "thought (`sweep thought-content`). A gain that travels in the thought's tokens shows as own far above "
                   + "no thought and another item's thought at or below it; where the shuffled thought falls too, the "
                   + "tokens' order matters, not only which tokens are there. The own column is each run's last logged "
                   + "evaluation."]
        if thoughtContent.isEmpty {
            return out + ["", "_No thought-content tables (`results/<experiment>/\(ReportDocument.thoughtContentFile)`)._"]
        }
        for (e, table) in thoughtContent { out += ["", "### \(e)", "", table] }
        return out
    }

    /// The 5a rule in every other experiment with a pause-token setting.
    var pauseAnalysesSection: [String] {
        analysisSection(
            intro: "Claim 5a's rule applied to every pause-token setting of the experiments the claims table does not "
                + "read, against the Quiet-STaR setting and the baseline of the same experiment whose other overrides "
                + "(all but `method`) are the pause setting's. These are analyses: the claims table does not use them. "
                + "A task is shown when every pause run was pretrained on its world.",
            empty: "No other experiment has a pause-token setting.",
            header: ["experiment", "task", "pause setting", "pause tokens", "Quiet-STaR", "baseline", "per seed", "by the 5a rule", "rule applied"],
            rows: pauseAnalyses.map { a in
                [a.experiment, a.task, a.setting, a.pause, a.quietSTaR, a.baseline, a.perSeed,
                 ReportDocument.verdictCell(a.verdict, would: true), a.reason]
            })
    }

    /// An analysis table under its intro, or the intro and `empty` (in italics) when there are no rows.
    func analysisSection(intro: String, empty: String, header: [String], rows: [[String]]) -> [String] {
        if rows.isEmpty { return [intro, "", "_\(empty)_"] }
        let line = { (cells: [String]) in "| " + cells.map(cell).joined(separator: " | ") + " |" }
        return [intro, "", line(header), "|" + String(repeating: "---|", count: header.count)] + rows.map(line)
    }

    /// The 5b rule in every other experiment with a Quiet-STaR setting on the generic corpus.
    var corpusAnalysesSection: [String] {
        analysisSection(
            intro: "Claim 5b's rule applied to every experiment, other than those the claims table reads, that has a "
                + "Quiet-STaR setting on the generic corpus (for instance at equal tokens, or on other base models). "
                + "These are analyses: the claims table does not use them. The reasoning-corpus runs come from the "
                + "experiment itself when it has them, else from an experiment whose runs are the generic runs' twins: "
                + "for every seed both ran, the Quiet-STaR and baseline run configs are equal except in "
                + CorpusAnalyses.twinFields.sorted().map { "`\($0)`" }.joined(separator: ", ")
                + " (experiments comparing both corpora first). A task is shown when every generic Quiet-STaR run "
                + "was pretrained on its world.",
            empty: "No other experiment has a Quiet-STaR setting on the generic corpus.",
            header: ["experiment", "task", "reasoning runs from", "reasoning corpus", "generic corpus", "per seed", "by the 5b rule", "rule applied"],
            rows: corpusAnalyses.map { a in
                [a.experiment, a.task, a.reasoningFrom, a.reasoning, a.generic, a.perSeed,
                 ReportDocument.verdictCell(a.verdict, would: true), a.reason]
            })
    }

    /// The claims rows recomputed on the replication runs.
    var replicationSection: [String] {
        func seeds(_ s: [Int]) -> String { s.isEmpty ? "no runs" : "seed\(s.count == 1 ? "" : "s") " + s.map(String.init).joined(separator: ", ") }
        return analysisSection(
            intro: "The claims table's rules applied to the runs in `\(Replication.folder)/` of this results folder: the same "
                + "experiment files on seeds no other experiment uses (experiments/replication/, equal to the originals "
                + "except in `seeds`; `make reproduce` runs them). A row is shown when the replication has the experiment "
                + "the claims row reads and its runs can test the claim. The claims table does not use these runs.",
            empty: "No replication runs (`\(Replication.folder)/` has no complete runs of an experiment the claims table reads).",
            header: ["#", "task", "claim", "experiment", "claims table", "replication", "verdict", "rule applied"],
            rows: replication.map { r in
                [r.number, r.task, r.claim, r.experiment, "\(Self.verdictCell(r.mainVerdict)) (\(seeds(r.mainSeeds)))",
                 "\(r.ours) (\(seeds(r.seeds)))", Self.verdictCell(r.verdict), r.reason]
            })
    }

    var claimsTable: [String] {
        var rows = ["| # | task | claim | paper | ours | verdict | rule applied |", "|---|---|---|---|---|---|---|"]
        for c in checks {
            rows.append("| \(c.number) | \(cell(c.task)) | \(cell(c.claim)) | \(cell(c.paper)) | \(cell(c.ours)) | \(Self.verdictCell(c.verdict)) | \(cell(c.reason)) |")
        }
        return rows
    }

    /// A verdict as the tables write it: "**holds**", "**does not hold**" or "inconclusive"; for an
    /// analysis row (`would`), "**would hold**" and "**would not hold**".
    static func verdictCell(_ v: Verdict, would: Bool = false) -> String {
        switch v {
        case .holds: return would ? "**would hold**" : "**holds**"
        case .doesNotHold: return would ? "**would not hold**" : "**does not hold**"
        case .inconclusive: return "inconclusive"
        }
    }

    var rules: [String] {
        [
            "Accuracies are compared in percentage points (pts). S = the larger seed spread (max - min) of the settings compared.",
            "",
            "- **Comparison** (claims 1, 2, 5a, 5b, 6, 7): gain G, bar B. Inconclusive if a setting has fewer than 2 seeds; "
                + "**holds** if G >= B and G > 2S; **does not hold** if G < B - 2S; otherwise inconclusive.",
            "- Claims 1 and 2: the longest-thought Quiet-STaR setting of the main experiment (chosen by thought length, not by "
                + "accuracy) against the no-thought baseline; B = +\(Int(VerdictRules.headlineBar)) pts.",
            "- Claim 3 (**monotone**): final accuracy of the Quiet-STaR settings ordered by thought length (one per length). "
                + "Inconclusive with fewer than 3 lengths or a length with fewer than 2 seeds; holds if the means never decrease "
                + "and longest - shortest > 2S; does not hold if some shorter length beats a longer one by more than 2S; otherwise inconclusive.",
            "- Claim 4 (**hard tokens**): H = mean delta_logp on the hardest \(Int(100 * VerdictRules.hardFraction))% of tokens by base NLL, "
                + "A = mean over all tokens, pooled over the Quiet-STaR runs of the main experiment. Holds if H > 0, "
                + "H >= \(Int(VerdictRules.hardTokenRatio))|A| and H > A in every run; does not hold if H <= 0 or H <= A; otherwise inconclusive.",
            "- Claim 5a: G = Quiet-STaR - pause tokens (controls), B = half the Quiet-STaR gain over the baseline (0 without a baseline).",
            "- Where several Quiet-STaR settings of an experiment tie on thought length and n_true, claims 1, 2, 5a, 5b and 6 "
                + "take the one with the fewest overrides (the setting the others vary around).",
            "- CSQA-style rows of claims 5a and 7: from \(ClaimChecker.csqaControls) (on csqa's base models, pretrained on the "
                + "knowledge-base world) when it has the settings the row needs, else from controls and ablations; "
                + "the CSQA-style row of 5b likewise from \(ClaimChecker.csqaCorpus) when it has a Quiet-STaR setting on the generic corpus, "
                + "else from corpus.",
            "- Claim 5b: G = gain of the reasoning-dense corpus - gain of the generic corpus (over corpus-matched baselines when present), B = 0.",
            "- Claim 6: G = maj@8 with Quiet-STaR - maj@8 of the baseline model (or of the same model with thoughts off), B = 0.",
            "- Claim 7: every setting with r >= 2 (n_true > 1) against the r = 1 (n_true = 1) setting equal in all else, B = 0; "
                + "holds if all comparisons hold, does not hold if any does not. For 7a the r = 1 reference is the setting "
                + "without a reward baseline (`rewardBaseline` none: the reward itself is the advantage, the paper's "
                + "no-baseline ablation) when there is one; otherwise r = 1 with the mean baseline, whose advantage is 0 "
                + "(no policy gradient at all).",
            "- \"per seed\" (claims 1, 2, 5a, 5b): the same comparison within each seed that all its settings ran, for the "
                + "direction seed by seed; the verdicts do not use it.",
        ]
    }

    var settingsTables: [String] {
        var out: [String] = []
        if results.experimentNames.isEmpty { return ["No complete runs."] }
        for e in results.experimentNames {
            out += ["### \(e)", "", "| setting | run id (without seed) | seeds | GSM soft | GSM exact | CSQA soft | CSQA exact |",
                    "|---|---|---|---|---|---|---|"]
            for s in results.settings(of: e) {
                let cols = ["gsm_soft", "gsm_exact", "csqa_soft", "csqa_exact"].map { c -> String in
                    guard let v = s.finalSummary(c) else { return "-" }
                    return pct(v.mean) + String(format: " (%.1f-%.1f, std %.1f)", 100 * v.min, 100 * v.max, 100 * v.std)
                }
                let seeds = s.seeds.isEmpty ? "\(s.runs.count) runs" : s.seeds.map(String.init).joined(separator: ", ")
                out.append("| \(cell(s.label)) | `\(s.id)` | \(seeds) | " + cols.joined(separator: " | ") + " |")
            }
            out.append("")
        }
        out.append("Cells: mean over seeds (min-max, std) in %, final evaluation.")
        return out
    }

    var wallTime: [String] {
        guard !results.experimentNames.isEmpty else { return ["No complete runs."] }
        var out = ["| experiment | complete runs | training wall time (sum of /train/seconds) |", "|---|---|---|"]
        var total = 0.0
        for e in results.experimentNames {
            let runs = results.experiments[e] ?? []
            let seconds = runs.map(\.wallSeconds).reduce(0, +)
            total += seconds
            out.append("| \(e) | \(runs.count) | \(ReportDocument.duration(seconds)) |")
        }
        out.append("| all | \(results.experiments.values.map(\.count).reduce(0, +)) | \(ReportDocument.duration(total)) |")
        return out
    }

    static func duration(_ s: Double) -> String {
        let t = Int(s.rounded())
        return String(format: "%dh %02dm %02ds (%.0f s)", t / 3600, t / 60 % 60, t % 60, s)
    }

    var figureList: [String] {
        figures.isEmpty ? ["No figure was drawn."] : figures.map { "- [`\($0.path)`](\($0.path)): \($0.caption)" }
    }

    var missing: [String] {
        var out: [String] = []
        let absent = Results.expectedExperiments.filter { results.experiments[$0] == nil }
        out.append(absent.isEmpty ? "- Experiments: all present." : "- Experiments without complete runs: " + absent.map { "`\($0)`" }.joined(separator: ", ") + ".")
        for s in results.skipped { out.append("- Not counted (status `\(s.status)`): `\(s.path)`") }
        for p in results.problems { out.append("- Unreadable log: \(p)") }
        for f in missingFigures { out.append("- Figure not drawn: \(f)") }
        for c in checks where c.ours == "no data" {
            out.append("- Claim \(c.number)\(c.task.isEmpty ? "" : " (\(c.task))") has no data: \(c.reason)")
        }
        return out
    }

    func cell(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ") }
}
