import Foundation
import SyntheticData
import TensorCore
import Transformer

/// The three checks on a base model that come before any Quiet-STaR run (thinking can only help
/// if the last two are well above the first), on every held-out evaluation set:
///   direct: the prediction right after the prompt `Q: ... A:`;
///   worked: greedy continuation of `Q: ... A: steps:` until a newline (or `maxTokens`); the
///           answer read is the last valid answer token (number or letter) generated;
///   oracle: the prompt followed by the true solution (`steps: ... .`, every intermediate result
///           written out), then the prediction of the answer.
/// direct and oracle give soft (p(answer) renormalised over the valid answer tokens) and exact
/// (argmax over them) scores; worked gives exact only. Plain base logits, no thoughts. Items of
/// one input length are batched together, so no padding is ever read.
public enum BaseChecks {
    public struct SetResult: Sendable, Equatable {
        public let name: String
        public let items: Int
        public let directSoft: Double, directExact: Double
        public let workedExact: Double
        public let oracleSoft: Double, oracleExact: Double
    }

    public static func run(_ gpt: GPT, sets: [EvalSet], vocabulary v: Vocabulary, batch: Int = 100,
                           maxTokens: Int = 24) -> [SetResult] {
        sets.map { set in
            let items = set.items
            let direct = score(gpt, items.map { ($0.prompt, $0) }, batch: batch)
            let oracle = score(gpt, items.map { ($0.prompt + $0.solution, $0) }, batch: batch)
            let room = gpt.config.context - (items.map(\.prompt.count).max() ?? 0) - 1
            let continuations = greedy(gpt, items.map { $0.prompt + [v.steps] }, maxTokens: min(maxTokens, room),
                                       stop: v.newline, batch: batch)
            var worked = 0.0
            for (item, c) in zip(items, continuations) {
                let answers = Set(item.validAnswerTokens).subtracting([v.newline])
                if let last = c.last(where: answers.contains), last == item.answer[0] { worked += 1 }
            }
            let n = Double(max(1, items.count))
            return SetResult(name: set.name, items: items.count, directSoft: direct.soft / n, directExact: direct.exact / n,
                             workedExact: worked / n, oracleSoft: oracle.soft / n, oracleExact: oracle.exact / n)
        }
    }

    /// Sums of soft and exact scores of the first answer token after each input.
    static func score(_ gpt: GPT, _ inputs: [([Int], EvalItem)], batch: Int) -> (soft: Double, exact: Double) {
        var soft = 0.0, exact = 0.0
        forEachGroup(gpt, inputs.map(\.0), batch: batch) { indices, logits, vocab in
            for (j, i) in indices.enumerated() {
                let item = inputs[i].1
                let s = Evaluator.answerScore(item, answer: item.answer[0]) { Double(logits[j * vocab + $0]) }
                soft += s.soft; exact += s.exact
            }
        }
        return (soft, exact)
    }

    /// Greedy continuations (without the input), each stopped after `stop` or `maxTokens` tokens.
    static func greedy(_ gpt: GPT, _ inputs: [[Int]], maxTokens: Int, stop: Int, batch: Int) -> [[Int]] {
        var seqs = inputs
        var done = [Bool](repeating: maxTokens <= 0, count: inputs.count)
        for _ in 0..<max(0, maxTokens) {
            let open = seqs.indices.filter { !done[$0] }
            if open.isEmpty { break }
            var next: [Int: Int] = [:]
            forEachGroup(gpt, open.map { seqs[$0] }, batch: batch) { indices, logits, vocab in
                for (j, i) in indices.enumerated() {
                    var best = 0
                    for t in 1..<vocab where logits[j * vocab + t] > logits[j * vocab + best] { best = t }
                    next[open[i]] = best
                }
            }
            for (i, t) in next {
                seqs[i].append(t)
                if t == stop { done[i] = true }
            }
        }
        return zip(seqs, inputs).map { Array($0[$1.count...]) }
    }

    /// Calls body(indices into inputs, last-position logits (n, V), V) for groups of inputs of
    /// equal length, at most `batch` at a time.
    static func forEachGroup(_ gpt: GPT, _ inputs: [[Int]], batch: Int, _ body: ([Int], [Float], Int) -> Void) {
        let v = gpt.config.vocab
        let groups = Dictionary(grouping: inputs.indices, by: { inputs[$0].count }).sorted { $0.key < $1.key }
        for (l, all) in groups {
            for start in stride(from: 0, to: all.count, by: batch) {
                let idx = Array(all[start..<min(start + batch, all.count)])
                let out = gpt.forward(tokens: idx.flatMap { inputs[$0] }, batch: idx.count, length: l)
                let logits = out.logits.data  // (n, l, V)
                var last = [Float](repeating: 0, count: idx.count * v)
                for j in 0..<idx.count {
                    let from = (j * l + l - 1) * v
                    for t in 0..<v { last[j * v + t] = logits[from + t] }
                }
                body(idx, last, v)
            }
        }
    }
}

extension BaseChecks {
    /// The table `sweep base-checks` prints and saves: these two lines, then one `tableRow` per set.
    public static let tableHeader = [
        "| base model | pretrain seed | set | items | direct soft | direct exact | worked exact | oracle soft | oracle exact |",
        "|---|---|---|---|---|---|---|---|---|",
    ]

    public static func tableRow(baseKey: String, pretrainSeed: Int, _ r: SetResult) -> String {
        let pct = MarkdownTable.percent
        return "| \(baseKey) | \(pretrainSeed) | \(r.name) | \(r.items) | \(pct(r.directSoft)) | "
            + "\(pct(r.directExact)) | \(pct(r.workedExact)) | \(pct(r.oracleSoft)) | \(pct(r.oracleExact)) |"
    }

    /// The rows of a saved table (`sweep base-checks --save`): base model key and items per set.
    /// Lines that are not rows of that table (its header, the separator, anything else) are skipped.
    public static func savedRows(_ text: String) -> [(baseKey: String, items: Int)] {
        text.split(separator: "\n").compactMap { line in
            let cells = MarkdownTable.cells(line)
            // "| key | seed | set | items | ... |" splits into an empty first cell, then the columns.
            guard cells.count >= 6, cells[0].isEmpty, let items = Int(cells[4]), !cells[1].isEmpty else { return nil }
            return (cells[1], items)
        }
    }

    /// The items per set the checks of `plan`'s base models use: `items` if given, else each run's
    /// eval.itemsPerSet, and its chain-of-thought count when those items are chains of their own
    /// length (eval.cot.steps).
    public static func itemCounts(_ plan: SweepPlan, items: Int? = nil) -> Set<Int> {
        var counts: Set<Int> = []
        for spec in plan.runs {
            let e = spec.experiment
            counts.insert(items ?? e.data.eval.itemsPerSet)
            if e.eval.cot.items > 0, e.eval.cot.steps != nil { counts.insert(items ?? e.eval.cot.items) }
        }
        return counts
    }

    /// Whether a saved table is the one `sweep base-checks` would write now: it lists exactly the
    /// base models `baseKeys` (each key hashes the world, the model and the pretraining, so a
    /// changed base model has another key) and every row has one of the expected item counts.
    public static func savedTableIsCurrent(_ text: String, baseKeys: Set<String>, items: Set<Int>) -> Bool {
        let rows = savedRows(text)
        return !rows.isEmpty && Set(rows.map(\.baseKey)) == baseKeys && rows.allSatisfy { items.contains($0.items) }
    }
}
