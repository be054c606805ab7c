import Foundation

/// One row of the report's claims table.
public struct ClaimCheck: Sendable {
    /// "1", "5a", ...
    public var number: String
    /// "GSM-style", "CSQA-style" or "" when the claim is not per task.
    public var task: String
    public var claim: String
    public var paper: String
    public var ours: String
    public var verdict: Verdict
    /// How the rule applied (or why it could not).
    public var reason: String
    /// The experiment whose runs the row reads (nil: none found).
    public var experiment: String? = nil
    /// false when the runs cannot test the claim at all (CSQA-style scores of models pretrained
    /// without the knowledge-base world).
    public var tested = true
}

/// Checks the paper's claims against the runs, by the rules of `VerdictRules`.
/// Final evaluation (last step), mean over seeds; spread = max - min over seeds.
public struct ClaimChecker {
    public let results: Results
    public init(results: Results) { self.results = results }

    static let tasks: [(column: String, name: String)] = [("gsm_soft", "GSM-style"), ("csqa_soft", "CSQA-style")]

    /// The experiment behind claims 1-4 and Figure 2: `thought-length`, else the experiment with
    /// the most Quiet-STaR settings (e.g. the small `regression` sweep).
    public var mainExperiment: String? {
        if results.experiments["thought-length"] != nil { return "thought-length" }
        return results.experimentNames.max { a, b in
            results.settings(of: a).filter(\.isQuietSTaR).count < results.settings(of: b).filter(\.isQuietSTaR).count
        }.flatMap { results.settings(of: $0).contains(where: \.isQuietSTaR) ? $0 : nil }
    }

    /// The experiment behind a task's claims 1-3: for CSQA-style the `csqa` experiment (its base
    /// models are pretrained on the knowledge-base world) when it has runs, else `mainExperiment`.
    public func experiment(for column: String) -> String? {
        if column == "csqa_soft", results.experiments["csqa"] != nil { return "csqa" }
        return mainExperiment
    }

    /// The experiment behind a task's claims 5a, 5b and 7 (`fallback`: controls, corpus or
    /// ablations): for CSQA-style `csqa` (csqa-controls or csqa-corpus, on csqa's base models) when
    /// it has a setting `needed` accepts.
    func experiment(for column: String, fallback: String, csqa: String = ClaimChecker.csqaControls,
                    needed: (Setting) -> Bool) -> String {
        guard column == "csqa_soft", results.settings(of: csqa).contains(where: needed) else { return fallback }
        return csqa
    }

    static let csqaControls = "csqa-controls"
    static let csqaCorpus = "csqa-corpus"

    /// The Quiet-STaR setting the headline claims use, fixed before looking at accuracies: the
    /// longest thoughts, then the largest n_true, then the fewest overrides (the setting the
    /// others of its experiment vary around), then the most seeds.
    public static func headline(_ settings: [Setting]) -> Setting? {
        settings.filter(\.isQuietSTaR).max {
            ($0.thoughtLength ?? 0, $0.nTrue ?? 0, -$0.overrides.count, $0.runs.count)
                < ($1.thoughtLength ?? 0, $1.nTrue ?? 0, -$1.overrides.count, $1.runs.count)
        }
    }

    /// One Quiet-STaR setting per thought length (the one with the most seeds; first in order on a
    /// tie), shortest first: claim 3's settings.
    static func onePerThoughtLength(_ settings: [Setting]) -> [Setting] {
        var byLength: [Int: Setting] = [:]
        for s in settings.filter(\.isQuietSTaR) {
            if let t = s.thoughtLength, byLength[t].map({ $0.runs.count < s.runs.count }) ?? true { byLength[t] = s }
        }
        return byLength.keys.sorted().map { byLength[$0]! }
    }

    public func checks() -> [ClaimCheck] {
        let all = headline() + [lengths()].flatMap { $0 } + [hardTokens()] + controls() + corpus() + [cot()] + ablations()
        return all.map(untestedWithoutKnowledgeBase)
    }

    /// Where a claim's task is CSQA-style and every run of the experiment behind it was pretrained
    /// without knowledge-base text, its CSQA-style scores are those of a model that never saw the
    /// world: the claim is not tested there, whatever the numbers.
    func untestedWithoutKnowledgeBase(_ c: ClaimCheck) -> ClaimCheck {
        guard c.task == "CSQA-style", let name = c.experiment else { return c }
        let runs = results.settings(of: name).flatMap(\.runs)
        guard !runs.isEmpty, runs.allSatisfy({ $0.pretrainedOnKnowledgeBase == false }) else { return c }
        var out = c
        out.verdict = .inconclusive
        out.tested = false
        out.reason = "not tested: the base models of \(name) were pretrained without knowledge-base text"
        return out
    }

    /// The comparison seed by seed: for every seed that all `terms` ran, the sum of sign * final
    /// `column` in points, e.g. "per seed (1 / 2 / 3): +11.8 / +25.6 / +35.1 pts". Shown beside a
    /// verdict for the direction within each seed; the verdict rules do not use it. nil with fewer
    /// than 2 shared seeds.
    static func perSeed(_ terms: [(setting: Setting, sign: Double)], _ column: String) -> String? {
        let tables = terms.map { term in
            Dictionary(term.setting.runs.compactMap { r in r.seed.flatMap { s in r.finalEval(column).map { (s, $0) } } },
                       uniquingKeysWith: { a, _ in a })
        }
        guard var seeds = tables.first.map({ Set($0.keys) }) else { return nil }
        for t in tables.dropFirst() { seeds.formIntersection(t.keys) }
        guard seeds.count >= 2 else { return nil }
        let ordered = seeds.sorted()
        let values = ordered.map { seed in zip(terms, tables).map { $0.sign * 100 * $1[seed]! }.reduce(0, +) }
        return "per seed (" + ordered.map(String.init).joined(separator: " / ") + "): "
            + values.map(VerdictRules.signed).joined(separator: " / ") + " pts"
    }

    // MARK: claims

    private func headline() -> [ClaimCheck] {
        let paper = [("5.9% -> 10.9% (GSM8K)", "1"), ("36.3% -> 47.2% (CommonsenseQA)", "2")]
        return zip(ClaimChecker.tasks, paper).map { task, paper in
            let name = experiment(for: task.column)
            let settings = name.map(results.settings(of:)) ?? []
            let base = settings.first(where: \.isBaseline), q = ClaimChecker.headline(settings)
            var c = ClaimCheck(number: paper.1, task: task.name,
                               claim: "Quiet-STaR raises zero-shot accuracy over the no-thought baseline (bar +\(Int(VerdictRules.headlineBar)) pts)",
                               paper: paper.0, ours: "", verdict: .inconclusive, reason: "")
            c.experiment = name
            guard let base, let q, let b = base.finalSummary(task.column), let a = q.finalSummary(task.column) else {
                c.ours = "no data"
                c.reason = "needs a baseline and a Quiet-STaR setting with \(task.column) in \(name ?? "thought-length")"
                return c
            }
            c.ours = "\(describe(b)) -> \(describe(a)) (\(q.label); \(name!))"
            if let p = ClaimChecker.perSeed([(q, 1), (base, -1)], task.column) { c.ours += "; \(p)" }
            (c.verdict, c.reason) = VerdictRules.compare(a, over: b, bar: VerdictRules.headlineBar)
            return c
        }
    }

    private func lengths() -> [ClaimCheck] {
        ClaimChecker.tasks.map { task in
            let name = experiment(for: task.column)
            let ordered = ClaimChecker.onePerThoughtLength(name.map(results.settings(of:)) ?? [])
            let summaries = ordered.compactMap { s in s.finalSummary(task.column).map { (s, $0) } }
            var c = ClaimCheck(number: "3", task: task.name, claim: "Longer thoughts give larger gains (monotone over >= 3 lengths)",
                               paper: "gains grow with thought length (Figure 2)", ours: "", verdict: .inconclusive, reason: "")
            c.experiment = name
            c.ours = summaries.isEmpty ? "no data"
                : summaries.map { "t=\($0.0.thoughtLength!): \(pct($0.1.mean))" }.joined(separator: ", ")
            (c.verdict, c.reason) = VerdictRules.monotone(summaries.map(\.1))
            return c
        }
    }

    private func hardTokens() -> ClaimCheck {
        var c = ClaimCheck(number: "4", task: "", claim: "Thoughts help hard tokens most (hardest 10% by base NLL vs all tokens)",
                           paper: "improvement concentrated on difficult tokens", ours: "no data", verdict: .inconclusive,
                           reason: "no /tokens data in Quiet-STaR runs of the main experiment")
        c.experiment = mainExperiment
        let runs = (mainExperiment.map(results.settings(of:)) ?? []).filter(\.isQuietSTaR).flatMap(\.runs)
        let perRun = runs.compactMap { HardTokenEffect(nllBase: $0.tokens["nll_base"] ?? [], deltaLogp: $0.tokens["delta_logp"] ?? []) }
        let withTokens = runs.filter { !($0.tokens["nll_base"] ?? []).isEmpty }
        guard let pooled = HardTokenEffect(nllBase: withTokens.flatMap { $0.tokens["nll_base"] ?? [] },
                                           deltaLogp: withTokens.flatMap { $0.tokens["delta_logp"] ?? [] }) else { return c }
        c.ours = String(format: "hardest 10%%: %+.3f nats, all: %+.3f nats (%d tokens, %d runs)",
                        pooled.hard, pooled.all, pooled.tokenCount, perRun.count)
        (c.verdict, c.reason) = VerdictRules.hardTokens(pooled: pooled, perRun: perRun)
        return c
    }

    private func controls() -> [ClaimCheck] {
        ClaimChecker.tasks.map { task in
            let name = experiment(for: task.column, fallback: "controls", needed: \.isPause)
            let settings = results.settings(of: name)
            let base = settings.first(where: \.isBaseline), pause = settings.first(where: \.isPause)
            let q = ClaimChecker.headline(settings)
            var c = ClaimCheck(number: "5a", task: task.name, claim: "Pause tokens give far less than Quiet-STaR (gain over baseline at most half)",
                               paper: "pause tokens: little or negative change", ours: "no data", verdict: .inconclusive,
                               reason: "needs pause and Quiet-STaR settings in \(name)")
            c.experiment = name
            guard let pause, let q, let cmp = PauseComparison(q: q, pause: pause, base: base, column: task.column) else { return c }
            var ours = "pause \(describe(cmp.pause)), Quiet-STaR \(describe(cmp.quietSTaR))"
            if let b = cmp.baseline { ours += ", baseline \(describe(b))" }
            if let d = cmp.perSeed { ours += "; Quiet-STaR - pause \(d)" }
            c.ours = ours + (name == "controls" ? "" : " (\(name))")
            (c.verdict, c.reason) = (cmp.verdict, cmp.reason)
            return c
        }
    }

    private func corpus() -> [ClaimCheck] {
        let paper = ["10.9% (OpenWebMath) vs 8.1% (C4)", "47.2% (OpenWebMath) vs 42.6% (C4)"]
        return zip(ClaimChecker.tasks, paper).map { task, paper in
            let name = experiment(for: task.column, fallback: "corpus", csqa: ClaimChecker.csqaCorpus) {
                $0.isQuietSTaR && $0.override("corpus") == "generic"
            }
            let settings = results.settings(of: name)
            func q(_ corpus: String) -> Setting? { ClaimChecker.headline(settings.filter { $0.override("corpus") == corpus }) }
            func base(_ corpus: String) -> Setting? { settings.first { $0.isBaseline && $0.override("corpus") == corpus } }
            var c = ClaimCheck(number: "5b", task: task.name, claim: "The generic corpus gives smaller gains than the reasoning-dense one",
                               paper: paper, ours: "no data", verdict: .inconclusive,
                               reason: "needs Quiet-STaR settings with corpus reasoning and generic in \(name)")
            c.experiment = name
            guard let qr = q("reasoning"), let qg = q("generic"),
                  let comparison = CorpusComparison(qr: qr, br: base("reasoning"), qg: qg, bg: base("generic"), column: task.column)
            else { return c }
            c.ours = "reasoning \(describe(comparison.reasoning)), generic \(describe(comparison.generic))"
            if let gains = comparison.gains {
                c.ours += String(format: "; gains over matched baselines %+.1f vs %+.1f pts", gains.reasoning, gains.generic)
                if let d = comparison.perSeed { c.ours += "; difference of gains \(d)" }
            } else if let d = comparison.perSeed {
                c.ours += "; reasoning - generic \(d)"
            }
            if name != "corpus" { c.ours += " (\(name))" }
            (c.verdict, c.reason) = (comparison.verdict, comparison.reason)
            return c
        }
    }

    /// maj@k at k = 8 (or the largest k logged) of `column` in `/cot`, one value per run.
    static func majAt8(_ s: Setting, _ column: String) -> SeedSummary? {
        SeedSummary(s.runs.compactMap { run -> Double? in
            guard let ks = run.cot["k"], let acc = run.cot[column], ks.count == acc.count, !ks.isEmpty else { return nil }
            return acc[ks.firstIndex(of: 8) ?? ks.indices.max { ks[$0] < ks[$1] }!]
        })
    }

    /// What the chain-of-thought items of these settings' runs are (`eval.cot.steps`, and the
    /// fraction of problems with sentences in random order in their world).
    static func cotItems(_ settings: [Setting]) -> String {
        let runs = settings.flatMap(\.runs).filter { !$0.cot.isEmpty }
        let steps = Set(runs.map(\.cotSteps))
        guard steps.count == 1, let only = steps.first else { return "mixed chain lengths across runs" }
        let items = only.map { "held-out chains of \($0) operations" } ?? "the GSM evaluation sets"
        let fractions = Set(runs.map(\.shuffledFraction))
        guard fractions.count == 1, let f = fractions.first else { return items + ", sentence order mixed across runs" }
        switch f {
        case 1: return items + ", sentences in random order"
        case 0: return items
        default: return items + ", sentences in random order in \(Int((f * 100).rounded()))% of problems"
        }
    }

    private func cot() -> ClaimCheck {
        var c = ClaimCheck(number: "6", task: "GSM-style", claim: "Chain-of-thought maj@8 improves with Quiet-STaR",
                           paper: "40.6% -> 47.7% (GSM8K maj@8)", ours: "no data", verdict: .inconclusive,
                           reason: "no /cot data in the cot experiment")
        c.experiment = "cot"
        let settings = results.settings(of: "cot")
        guard let q = ClaimChecker.headline(settings.filter { ClaimChecker.majAt8($0, "accuracy") != nil }),
              let a = ClaimChecker.majAt8(q, "accuracy") else { return c }
        let b: SeedSummary?, what: String
        if let base = settings.first(where: { $0.isBaseline }), let s = ClaimChecker.majAt8(base, "accuracy") {
            (b, what) = (s, "baseline model")
        } else {
            (b, what) = (ClaimChecker.majAt8(q, "accuracy_base"), "same model, thoughts off")
        }
        guard let b else { return c }
        c.ours = "\(describe(b)) (\(what)) -> \(describe(a)) (\(q.label)); items: \(ClaimChecker.cotItems(settings))"
        (c.verdict, c.reason) = VerdictRules.compare(a, over: b, bar: 0)
        return c
    }

    private func ablations() -> [ClaimCheck] {
        func checks(_ number: String, claim: String, paper: String, field: String, key: @escaping (Setting) -> Int?,
                    reference: Int) -> [ClaimCheck] {
            // Settings equal in everything but `key` form a group; each value > reference is compared with it.
            // For r, the reward baseline is part of the compared setting, not of the group: the r = 1
            // reference is the one without a baseline (the reward itself as advantage, the paper's
            // no-baseline ablation) when there is one; r = 1 with the mean baseline has advantage 0.
            let varied = field == "rationales" ? [field, "rewardBaseline"] : [field]
            func groups(_ settings: [Setting]) -> [String: [Setting]] {
                var groups: [String: [Setting]] = [:]
                for s in settings where key(s) != nil {
                    let fields = [("thoughtLength", s.thoughtLength), ("nTrue", s.nTrue), ("rationales", s.rationales)]
                        .filter { $0.0 != field }.map { "\($0.0)=\(String(describing: $0.1))" }
                    let others = s.overrides.filter { !(varied + ["thoughtLength", "nTrue", "rationales"])
                        .contains(Setting.shortName($0.key)) }.map { "\($0.key)=\($0.value)" }
                    groups[(fields + others).joined(separator: "|"), default: []].append(s)
                }
                return groups
            }
            return ClaimChecker.tasks.map { task in
                let name = experiment(for: task.column, fallback: "ablations") { $0.isQuietSTaR && key($0) == reference }
                let settings = results.settings(of: name).filter(\.isQuietSTaR)
                var c = ClaimCheck(number: number, task: task.name, claim: claim, paper: paper, ours: "no data",
                                   verdict: .inconclusive, reason: "no group with value \(reference) and a larger value in \(name)")
                c.experiment = name
                var verdicts: [Verdict] = [], ours: [String] = [], reasons: [String] = []
                for (_, group) in groups(settings).sorted(by: { $0.key < $1.key }) {
                    let refs = group.filter { key($0) == reference }
                    guard let ref = refs.first(where: \.hasNoRewardBaseline) ?? refs.first, let r = ref.finalSummary(task.column)
                    else { continue }
                    let refName = field != "rationales" ? "\(reference)"
                        : ref.hasNoRewardBaseline ? "\(reference) (no baseline)" : "\(reference) (advantage 0)"
                    for s in group where key(s)! > reference && !s.hasNoRewardBaseline {
                        guard let a = s.finalSummary(task.column) else { continue }
                        let (v, why) = VerdictRules.compare(a, over: r, bar: 0)
                        verdicts.append(v)
                        ours.append("\(key(s)!): \(describe(a)) vs \(refName): \(describe(r))")
                        reasons.append("\(key(s)!) vs \(refName): \(why)")
                    }
                }
                if !verdicts.isEmpty {
                    c.ours = ours.joined(separator: "; ") + (name == "ablations" ? "" : " (\(name))")
                    c.verdict = VerdictRules.all(verdicts)
                    c.reason = reasons.joined(separator: "; ") + " (all must hold)"
                }
                return c
            }
        }
        return checks("7a", claim: "r >= 2 rationales (mean-reward baseline) beat r = 1 (no baseline)",
                      paper: "r >= 2 beats no baseline", field: "rationales", key: \.rationales, reference: 1)
            + checks("7b", claim: "n_true > 1 helps", paper: "n_true > 1 helps", field: "nTrue", key: \.nTrue, reference: 1)
    }
}

/// "9.1% (3 seeds, 8.0-10.2, spread 2.2 pts)".
func describe(_ s: SeedSummary) -> String {
    "\(pct(s.mean)) (\(s.count) seed\(s.count == 1 ? "" : "s"), "
        + String(format: "%.1f-%.1f, spread %.1f pts)", 100 * s.min, 100 * s.max, 100 * s.spread)
}

func pct(_ x: Double) -> String { String(format: "%.1f%%", 100 * x) }
