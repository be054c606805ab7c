import Foundation
import QuietSTaR
import SyntheticData
import TensorCore

/// Zero-shot direct-answer evaluation on the held-out sets (QUIET-STAR.md, "Evaluation").
///
/// Each item is fed as `prompt + answer[0 ..< n-1]` (right-padded with `<pad>` to the batch's
/// longest input; the mask is causal, so padding never changes earlier positions), and the model
/// thinks once at every position (`predictWithThoughts`: r = 1, n_true = 1, mixed logits). With
/// one answer token (the default) only the last prompt position is read, so items are grouped by
/// prompt length and think there only (`predictLastWithThoughts`, the same prediction). At
/// the position before answer token a:
///   soft  = prod_a softmax over validAnswerTokens of the mixed logits, at the answer token
///           (the paper's score: p(answer) renormalised over the valid answer tokens),
///   exact = 1 if for every a the argmax over validAnswerTokens is the answer token.
/// Per set: the means over items. Per task: the mean over the task's sets.
/// Sampled thoughts use RNG(seed: eval.seed).fork(set number), so results are deterministic.
public struct Evaluator: Sendable {
    public let sets: [EvalSet]
    public let batch: Int
    public let seed: UInt64

    public init(experiment e: Experiment, vocabulary: Vocabulary) {
        sets = EvalSuite.standard(vocabulary: vocabulary, seed: UInt64(e.eval.seed))
        batch = e.eval.batch
        seed = UInt64(e.eval.seed)
    }

    /// The longest model input an item needs.
    public var longestInput: Int { sets.flatMap(\.items).map { $0.prompt.count + $0.answer.count - 1 }.max() ?? 0 }

    public struct SetScore: Sendable, Equatable {
        public let name: String
        public let task: EvalTask
        public let soft: Double
        public let exact: Double
        /// Column stem in logs: `gsm-k2` -> `gsm_k2`.
        public var column: String { name.replacingOccurrences(of: "-", with: "_") }
    }

    public struct Result: Sendable, Equatable {
        public let sets: [SetScore]
        public func mean(_ task: EvalTask, _ key: KeyPath<SetScore, Double>) -> Double {
            let s = sets.filter { $0.task == task }
            return s.isEmpty ? .nan : s.map { $0[keyPath: key] }.reduce(0, +) / Double(s.count)
        }
        public var gsmSoft: Double { mean(.gsm, \.soft) }
        public var gsmExact: Double { mean(.gsm, \.exact) }
        public var csqaSoft: Double { mean(.csqa, \.soft) }
        public var csqaExact: Double { mean(.csqa, \.exact) }
    }

    public func evaluate(_ model: QuietSTaRModel, pad: Int) -> Result {
        var scores: [SetScore] = []
        for (number, set) in sets.enumerated() {
            var rng = RNG(seed: seed).fork(UInt64(number))
            var soft = 0.0, exact = 0.0
            if set.items.allSatisfy({ $0.answer.count == 1 }) {
                // One answer token: only the last prompt position matters. Items of equal prompt
                // length are batched together and think at that position only.
                let groups = Dictionary(grouping: set.items, by: \.prompt.count).sorted { $0.key < $1.key }
                for (_, group) in groups {
                    for start in stride(from: 0, to: group.count, by: batch) {
                        let items = Array(group[start..<min(start + batch, group.count)])
                        for s in Evaluator.scoreLast(items, model: model, using: &rng) { soft += s.soft; exact += s.exact }
                    }
                }
            } else {
                for start in stride(from: 0, to: set.items.count, by: batch) {
                    let items = Array(set.items[start..<min(start + batch, set.items.count)])
                    for s in Evaluator.score(items, model: model, pad: pad, using: &rng) { soft += s.soft; exact += s.exact }
                }
            }
            let n = Double(max(1, set.items.count))
            scores.append(SetScore(name: set.name, task: set.task, soft: soft / n, exact: exact / n))
        }
        return Result(sets: scores)
    }

    /// Scores items with one answer token and prompts of one length, from the prediction after the
    /// last prompt position only (same scores as `score`, at a fraction of the cost).
    static func scoreLast(_ items: [EvalItem], model: QuietSTaRModel,
                          using rng: inout RNG) -> [(soft: Double, exact: Double)] {
        let out = model.predictLastWithThoughts(prompts: items.map(\.prompt), using: &rng)
        let v = out.vocab
        return items.enumerated().map { j, item in
            answerScore(item, answer: item.answer[0]) { Double(out.mixedLogits[j * v + $0]) }
        }
    }

    /// soft = p(answer) renormalised over the item's valid answer tokens; exact = 1 when `answer`
    /// is their argmax. `logit(token)` reads the prediction's logit of a token.
    static func answerScore(_ item: EvalItem, answer: Int, logit: (Int) -> Double) -> (soft: Double, exact: Double) {
        let logits = item.validAnswerTokens.map(logit)
        let m = logits.max()!
        let z = logits.map { Foundation.exp($0 - m) }.reduce(0, +)
        let k = item.validAnswerTokens.firstIndex(of: answer)!
        return (Foundation.exp(logits[k] - m) / z, logits.firstIndex(of: m)! == k ? 1.0 : 0.0)
    }

    /// Scores one batch of items; also returns the model output for callers that log thoughts.
    static func score(_ items: [EvalItem], model: QuietSTaRModel, pad: Int,
                      using rng: inout RNG) -> [(soft: Double, exact: Double)] {
        scoreWithOutput(items, model: model, pad: pad, using: &rng).scores
    }

    static func scoreWithOutput(_ items: [EvalItem], model: QuietSTaRModel, pad: Int, using rng: inout RNG)
        -> (scores: [(soft: Double, exact: Double)], output: ThinkingOutput, length: Int) {
        let inputs = items.map { $0.prompt + $0.answer.dropLast() }
        let l = inputs.map(\.count).max()!
        let tokens = inputs.flatMap { $0 + [Int](repeating: pad, count: l - $0.count) }
        let out = model.predictWithThoughts(tokens: tokens, batch: items.count, length: l, using: &rng)
        let v = out.vocab
        var scores: [(Double, Double)] = []
        for (j, item) in items.enumerated() {
            var soft = 1.0
            var exact = 1.0
            for (a, answer) in item.answer.enumerated() {
                let row = (j * l + item.prompt.count - 1 + a) * v
                let s = answerScore(item, answer: answer) { Double(out.mixedLogits[row + $0]) }
                soft *= s.soft
                if s.exact == 0 { exact = 0 }
            }
            scores.append((soft, exact))
        }
        return (scores, out, l)
    }
}
