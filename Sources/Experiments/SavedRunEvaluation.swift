import Foundation
import QuietSTaR
import SyntheticData

/// A saved model re-evaluated on the held-out sets (`sweep eval`): the `Evaluator` of the run
/// (same items, same seeds) with thoughts, and on the base logits of the same model (a
/// `.noThought` copy, `baseOnly()`). With the run's own `eval.itemsPerSet` the "with thoughts"
/// numbers are the run's last `/eval` row.
public struct SavedRunEvaluation: Sendable {
    public let run: String
    public let itemsPerSet: Int
    /// Difficulty of each set (k for GSM, the level for CSQA), in the order of the results' sets.
    public let difficulties: [Int]
    public let withThoughts: Evaluator.Result
    public let withoutThoughts: Evaluator.Result
    /// Chain-of-thought maj@k, when asked for.
    public let cot: CoTEvaluation.Result?
    /// With another item's thought (the next item of the set) and with t pause tokens in place of
    /// the model's own, when asked for (`Evaluator.ThoughtSource`).
    public var withForeignThoughts: Evaluator.Result? = nil
    public var withPauseThoughts: Evaluator.Result? = nil
    /// With the model's own thought, its tokens in a random order (`Evaluator.shuffledThought`).
    public var withShuffledThoughts: Evaluator.Result? = nil
    /// With one given thought before every item, and that thought's text, when asked for.
    public var withGivenThought: Evaluator.Result? = nil
    public var givenThoughtText = ""
    /// t, the run's thought length.
    public var thoughtLength = 0
    /// With the model's own thought and the mixing head replaced by each fixed thought share, when
    /// asked for: `withFixedShares[j]` is `fixedShares[j]`.
    public var fixedShares: [Float] = []
    public var withFixedShares: [Evaluator.Result] = []
    /// The head's weight and the scores by whether the thought alone and the base are right, per
    /// task, when asked for (`ThoughtCorrectness`).
    public var byCorrectness: [ThoughtCorrectness] = []
    /// The same for each set (with one answer token), in set order.
    public var byCorrectnessPerSet: [ThoughtCorrectness] = []
    /// How the thoughts were decoded (the run's `eval.decoding` unless overridden).
    public var decoding = QuietSTaRConfig.ThoughtDecoding.greedy
    /// The tasks whose world the run's base model was never pretrained on (`data.corpus.base` has
    /// none of its text): their sets are scored and shown, but test nothing, and `byCorrectness`
    /// leaves them out.
    public var unseenTasks: [EvalTask] = []

    /// - items: items per set (nil: the run's `eval.itemsPerSet`; the first n items of each set).
    /// - cotItems: GSM items for chain-of-thought maj@k (nil or 0: none), with the run's `eval.cot`.
    /// - foreignThoughts: also score every item after another item's thought, after its own thought
    ///   shuffled and after pause tokens.
    /// - givenThought: also score every item after this thought (text in the run's vocabulary, `\n`
    ///   for a line end), which must be exactly t tokens.
    /// - thoughtShares: also score every item after its own thought with the mixing head replaced by
    ///   each of these fixed shares of the thought's prediction (0...1).
    /// - decoding: how the thoughts are decoded (nil: the run's `eval.decoding`).
    /// - byCorrectness: also split every item by whether its thought alone and the base are right
    ///   (`ThoughtCorrectness`; sets with one answer token).
    public static func evaluate(_ run: TrainedRun, items: Int? = nil, cotItems: Int? = nil,
                                foreignThoughts: Bool = false, givenThought: String? = nil,
                                thoughtShares: [Float] = [], decoding: QuietSTaRConfig.ThoughtDecoding? = nil,
                                byCorrectness: Bool = false) throws -> SavedRunEvaluation {
        var e = run.experiment
        let model = decoding.map { run.model.withEvalThoughts($0) } ?? run.model
        if let n = items {
            guard (1...100_000).contains(n) else { throw TrainedRunError("--items must be in 1 ... 100000 (got \(n))") }
            e.eval.itemsPerSet = n
            e.data.eval.itemsPerSet = n
        }
        let vocabulary = try Vocabulary(config: e.data)
        let evaluator = Evaluator(experiment: e, vocabulary: vocabulary)
        var sources: [Evaluator.ThoughtSource] = foreignThoughts ? [.own, .foreign, .shuffled, .pause] : [.own]
        let given = try givenThought.map { text -> [Int] in
            guard run.model.config.method != .noThought else {
                throw TrainedRunError("--thought: run \(run.name) is a no-thought run; it has no thoughts to replace")
            }
            let ids = try run.encode(text), t = e.quietstar.thoughtLength
            guard ids.count == t else {
                throw TrainedRunError("--thought \"\(text)\": \(ids.count) token(s) in the vocabulary of run \(run.name); "
                                      + "its thoughts have t = \(t) tokens, so give exactly \(t)")
            }
            return ids
        }
        if given != nil { sources.append(.given) }
        if !thoughtShares.isEmpty {
            guard run.model.config.method != .noThought else {
                throw TrainedRunError("--thought-weights: run \(run.name) is a no-thought run; it has no mixing head to replace")
            }
            if let bad = thoughtShares.first(where: { !(0...1).contains($0) }) {
                throw TrainedRunError("--thought-weights: \(bad) is not a weight; give weights in 0 ... 1 "
                                      + "(0 = the base prediction, 1 = the thought's prediction alone)")
            }
        }
        if byCorrectness && run.model.config.method == .noThought {
            throw TrainedRunError("--by-correctness: run \(run.name) is a no-thought run; it has no thoughts to sort items by")
        }
        // With --by-correctness the same pass also scores the own thoughts at shares 1 and 0, item by item.
        let all = evaluator.score(model, pad: vocabulary.pad, thoughts: sources, given: given,
                                  fixedShares: thoughtShares + (byCorrectness ? [1, 0] : []))
        let scored = all.bySource
        let with = scored[.own]!
        let without = evaluator.evaluate(model.baseOnly(), pad: vocabulary.pad)
        var cot: CoTEvaluation.Result? = nil
        if let c = cotItems, c > 0 {
            var spec = e.eval.cot
            spec.items = c
            cot = CoTEvaluation(spec: spec, evaluator: evaluator, vocabulary: vocabulary).evaluate(model)
        }
        var out = SavedRunEvaluation(run: run.name, itemsPerSet: e.eval.itemsPerSet,
                                     difficulties: evaluator.sets.map(\.difficulty), withThoughts: with,
                                     withoutThoughts: without, cot: cot)
        out.withForeignThoughts = scored[.foreign]
        out.withPauseThoughts = scored[.pause]
        out.withShuffledThoughts = scored[.shuffled]
        out.withGivenThought = scored[.given]
        out.givenThoughtText = given.map { run.vocabulary.decode($0) } ?? ""
        out.thoughtLength = e.quietstar.thoughtLength
        out.fixedShares = thoughtShares
        out.withFixedShares = Array(all.byShare.prefix(thoughtShares.count))
        out.decoding = model.config.evalThoughts
        out.unseenTasks = [EvalTask.gsm, .csqa].filter { !e.data.corpus.base.covers($0) }
        if byCorrectness {
            let alone = all.shareItems[thoughtShares.count], base = all.shareItems[thoughtShares.count + 1]
            let tasks = evaluator.sets.map(\.task)
            let unseen = out.unseenTasks
            let seen = { (split: ThoughtCorrectness) in !unseen.contains(split.task) }
            out.byCorrectness = ThoughtCorrectness.split(tasks: tasks, own: all.ownItems, thoughtAlone: alone, base: base)
                .filter(seen)
            out.byCorrectnessPerSet = ThoughtCorrectness.perSet(tasks: tasks, names: evaluator.sets.map(\.name), own: all.ownItems,
                                                                thoughtAlone: alone, base: base).filter(seen)
        }
        return out
    }

    /// One line per task whose world the base model was not pretrained on.
    var unseenLines: [String] {
        unseenTasks.map { task in
            let world = task == .gsm ? "GSM-style" : "knowledge-base"
            return "\(task.rawValue): the base model was not pretrained on the \(world) world (data.corpus.base has none of its text), "
                + "so its \(task.rawValue) scores test nothing"
        }
    }

    /// A table: per set and per task mean, soft score and exact match with thoughts, without, and
    /// the difference, and the mean thought weight; the other thought sources when computed (soft
    /// score per set and task, and each source's mean thought weight per task); then maj@k.
    public func table() -> String {
        func f(_ x: Double) -> String { String(format: "%7.3f", x) }
        func d(_ x: Double) -> String { String(format: "%+7.3f", x) }
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
        func cells(_ t: Double, _ b: Double) -> String { "  " + f(t) + " " + f(b) + " " + d(t - b) }
        let width = max(16, withThoughts.sets.map(\.name.count).max() ?? 0)
        var lines = ["\(run): \(itemsPerSet) items per set; soft = p(answer) renormalised over the valid answers, "
                     + "exact = argmax is the answer; thought = mixed prediction, base = no thought; thoughts \(decoding.rawValue)",
                     pad("", width) + "      " + "  -------- soft ---------" + "  -------- exact --------",
                     pad("set", width) + "  diff" + "  thought    base       Δ" + "  thought    base       Δ"]
        for ((s, b), level) in zip(zip(withThoughts.sets, withoutThoughts.sets), difficulties) {
            lines.append(pad(s.name, width) + String(format: "  %4d", level) + cells(s.soft, b.soft) + cells(s.exact, b.exact))
        }
        for (task, name) in [(EvalTask.gsm, "gsm (mean)"), (.csqa, "csqa (mean)")] {
            lines.append(pad(name, width) + "      " + cells(withThoughts.mean(task, \.soft), withoutThoughts.mean(task, \.soft))
                         + cells(withThoughts.mean(task, \.exact), withoutThoughts.mean(task, \.exact)))
        }
        lines.append(String(format: "thought weight (the thought's share of the mixed prediction at the answer, mean): gsm %.3f, csqa %.3f",
                            withThoughts.gsmWeight, withThoughts.csqaWeight))
        lines += unseenLines
        // Soft score (or another score) of each result per set, then per task mean, one column each.
        func scoreColumns(_ names: [String], _ results: [Evaluator.Result], score: KeyPath<Evaluator.SetScore, Double> = \.soft) {
            lines.append(pad("set", width) + "  diff" + names.map { String(repeating: " ", count: max(1, 9 - $0.count)) + $0 }.joined())
            for (number, level) in difficulties.enumerated() {
                lines.append(pad(withThoughts.sets[number].name, width) + String(format: "  %4d", level) + "  "
                             + results.map { f($0.sets[number][keyPath: score]) }.joined(separator: "  "))
            }
            for (task, name) in [(EvalTask.gsm, "gsm (mean)"), (.csqa, "csqa (mean)")] {
                lines.append(pad(name, width) + "      " + "  " + results.map { f($0.mean(task, score)) }.joined(separator: "  "))
            }
            for (task, name) in [(EvalTask.gsm, "gsm weight"), (.csqa, "csqa weight")] {
                lines.append(pad(name, width) + "      " + "  " + results.map { f($0.mean(task, \.weight)) }.joined(separator: "  "))
            }
        }
        if let foreign = withForeignThoughts, let shuffled = withShuffledThoughts, let pause = withPauseThoughts {
            lines.append("")
            lines.append("thought content, soft score: own = the model's thought, foreign = the thought it wrote for the next item "
                         + "of the set, shuffled = its own thought in a random order, pause = \(thoughtLength) pause tokens, base = no thought")
            scoreColumns(["own", "foreign", "shuffled", "pause", "base"], [withThoughts, foreign, shuffled, pause, withoutThoughts])
        }
        if let given = withGivenThought {
            lines.append("")
            lines.append("given thought, soft score: own = the model's thought, given = \"\(givenThoughtText.replacingOccurrences(of: "\n", with: "\\n"))\" "
                         + "before every item, base = no thought")
            scoreColumns(["own", "given", "base"], [withThoughts, given, withoutThoughts])
        }
        if !fixedShares.isEmpty {
            let names = ["own"] + fixedShares.map { "w=" + String(format: "%g", Double($0)) } + ["base"]
            let results = [withThoughts] + withFixedShares + [withoutThoughts]
            for (score, label) in [(\Evaluator.SetScore.soft, "soft score"), (\Evaluator.SetScore.exact, "exact match")] {
                lines.append("")
                lines.append("fixed thought weight, \(label): own = the model's thought at the mixing head's weight, w=x = the same "
                             + "thought with the head replaced by the thought's share x of the mixed prediction, base = no thought")
                scoreColumns(names, results, score: score)
            }
        }
        if !byCorrectness.isEmpty {
            lines.append("")
            lines += ThoughtCorrectness.lines(byCorrectness + byCorrectnessPerSet)
            if !unseenTasks.isEmpty {
                lines.append("(left out: " + unseenTasks.map { "\($0.rawValue) sets" }.joined(separator: ", ")
                             + ", whose world the base model was not pretrained on)")
            }
        }
        if let c = cot {
            lines.append("")
            lines.append("chain-of-thought maj@k on \(c.answers.count) GSM items (prompt + steps:)")
            lines.append("k          " + c.k.map { String(format: "%7d", $0) }.joined())
            lines.append("thoughts   " + c.accuracy.map(f).joined())
            lines.append("base       " + c.accuracyBase.map(f).joined())
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
