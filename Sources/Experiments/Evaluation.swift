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
        /// Mean weight of the thought's prediction in the mixed one (`ThinkingOutput.thoughtWeight`)
        /// at the scored positions: 0 without thoughts.
        public var weight: Double = 0
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
        public var gsmWeight: Double { mean(.gsm, \.weight) }
        public var csqaWeight: Double { mean(.csqa, \.weight) }
    }

    public func evaluate(_ model: QuietSTaRModel, pad: Int) -> Result {
        evaluate(model, pad: pad, thoughts: [.own])[.own]!
    }

    /// Where the thought before each answer comes from (`evaluate(_:pad:thoughts:)`).
    public enum ThoughtSource: String, CaseIterable, Sendable {
        /// The model's own thought (the run's evaluation).
        case own
        /// The thought the model wrote (as for `own`) for the next item of the same set: another
        /// problem of the same kind. The last item takes the first's; a set of one item keeps its own.
        case foreign
        /// The model's own thought with its tokens in a random order (`shuffledThought`): the same
        /// tokens, so whether their order matters. A thought of one repeated token stays as it is.
        case shuffled
        /// t pause tokens (`quietstar.pauseToken`).
        case pause
        /// One thought given by the caller (t tokens), the same before every item.
        case given
    }

    /// `thought` with its tokens permuted (Fisher-Yates) by RNG(seed: seed).fork(1 + set).fork(item):
    /// the same permutation for the same evaluation seed, set number and item, whatever else is scored.
    public static func shuffledThought(_ thought: [Int], seed: UInt64, set: Int, item: Int) -> [Int] {
        var rng = RNG(seed: seed).fork(1 + UInt64(set)).fork(UInt64(item))
        var out = thought
        for i in stride(from: out.count - 1, to: 0, by: -1) { out.swapAt(i, rng.int(i + 1)) }
        return out
    }

    /// The scores with the thoughts of each source; `.own` is always computed (and equals
    /// `evaluate(_:pad:)`), the others reuse its thoughts and mixing head. Sets with answers of more
    /// than one token are scored with own thoughts only (NaN for the other sources). `.given` needs
    /// `given`, a thought of exactly t tokens.
    public func evaluate(_ model: QuietSTaRModel, pad: Int, thoughts sources: [ThoughtSource],
                         given: [Int]? = nil) -> [ThoughtSource: Result] {
        evaluate(model, pad: pad, thoughts: sources, given: given, fixedShares: []).bySource
    }

    /// `evaluate(_:pad:thoughts:given:)`, and also the model's own thoughts scored with the mixing
    /// head replaced by each fixed share of the thought's prediction in `fixedShares` (0...1; 0 gives
    /// the base prediction, 1 the thought's alone): `byShare[j]` is `fixedShares[j]`. NaN for sets
    /// with answers of more than one token, like the other sources.
    public func evaluate(_ model: QuietSTaRModel, pad: Int, thoughts sources: [ThoughtSource], given: [Int]? = nil,
                         fixedShares: [Float]) -> (bySource: [ThoughtSource: Result], byShare: [Result]) {
        let all = score(model, pad: pad, thoughts: sources, given: given, fixedShares: fixedShares)
        return (all.bySource, all.byShare)
    }

    /// One item's score: soft, exact and the thought's weight at the answer (the mean over its
    /// answer positions), as they enter its set's means.
    public struct ItemScore: Sendable, Equatable {
        public let soft: Double
        public let exact: Double
        public let weight: Double
    }

    /// `evaluate(_:pad:thoughts:given:fixedShares:)`'s results, and the same evaluation item by item.
    public struct Scored: Sendable {
        public let bySource: [ThoughtSource: Result]
        public let byShare: [Result]
        /// Every item with its own thought, `[set][item]` in the order of `sets` and of each set's
        /// items: a set's mean is its score in `bySource[.own]`.
        public let ownItems: [[ItemScore]]
        /// The same per fixed share (`shareItems[j]` is `fixedShares[j]`); sets with answers of more
        /// than one token have none (an empty list, like their NaN in `byShare`).
        public let shareItems: [[[ItemScore]]]
    }

    /// `evaluate(_:pad:thoughts:given:fixedShares:)` with the item-by-item scores too (one pass).
    public func score(_ model: QuietSTaRModel, pad: Int, thoughts sources: [ThoughtSource], given: [Int]? = nil,
                      fixedShares: [Float]) -> Scored {
        let wanted = Set(sources).union([.own])
        precondition(!wanted.contains(.given) || given?.count == model.config.thoughtLength,
                     "Evaluator: the given thought must have t = \(model.config.thoughtLength) tokens")
        precondition(fixedShares.allSatisfy { (0...1).contains($0) }, "Evaluator: fixed thought shares must be in 0...1")
        enum Key: Hashable { case source(ThoughtSource), share(Int) }
        let keys = wanted.map(Key.source) + fixedShares.indices.map(Key.share)
        var scores: [Key: [SetScore]] = [:]
        var ownItems: [[ItemScore]] = []
        var shareItems = [[[ItemScore]]](repeating: [], count: fixedShares.count)
        for (number, set) in sets.enumerated() {
            var rng = RNG(seed: seed).fork(UInt64(number))
            var soft: [Key: Double] = [:], exact: [Key: Double] = [:], weight: [Key: Double] = [:]
            // Per item, for the own thought and the fixed shares (in item order, whatever the batches).
            var itemsOf: [Key: [ItemScore?]] = [:]
            // `indices`: the items of `s` in the set (batch order).
            func add(_ key: Key, _ s: [(soft: Double, exact: Double)], weights: [Double], indices: [Int]) {
                for x in s { soft[key, default: 0] += x.soft; exact[key, default: 0] += x.exact }
                weight[key, default: 0] += weights.reduce(0, +)
                if case .source(let source) = key, source != .own { return }
                if itemsOf[key] == nil { itemsOf[key] = [ItemScore?](repeating: nil, count: set.items.count) }
                for (j, i) in indices.enumerated() { itemsOf[key]![i] = ItemScore(soft: s[j].soft, exact: s[j].exact, weight: weights[j]) }
            }
            func add(_ source: ThoughtSource, _ s: [(soft: Double, exact: Double)], weights: [Double], indices: [Int]) {
                add(.source(source), s, weights: weights, indices: indices)
            }
            if set.items.allSatisfy({ $0.answer.count == 1 }) {
                // One answer token: only the last prompt position matters. Items of equal prompt
                // length are batched together and think at that position only.
                let groups = Dictionary(grouping: set.items.indices, by: { set.items[$0].prompt.count }).sorted { $0.key < $1.key }
                let batches = groups.flatMap { _, group in
                    stride(from: 0, to: group.count, by: batch).map { Array(group[$0..<min($0 + batch, group.count)]) }
                }
                var own = [[Int]](repeating: [], count: set.items.count)
                for b in batches {
                    let items = b.map { set.items[$0] }
                    let out = model.predictLastWithThoughts(prompts: items.map(\.prompt), using: &rng)
                    for (j, i) in b.enumerated() { own[i] = out.thoughts[j] }
                    add(.own, Evaluator.scoreLast(items, out), weights: out.thoughtWeight.map(Double.init), indices: b)
                }
                let pause = [Int](repeating: model.config.pauseToken, count: model.config.thoughtLength)
                for source in ThoughtSource.allCases where source != .own && wanted.contains(source) {
                    for b in batches {
                        let items = b.map { set.items[$0] }
                        let given = b.map { i -> [Int] in
                            switch source {
                            case .pause: return pause
                            case .shuffled: return Evaluator.shuffledThought(own[i], seed: seed, set: number, item: i)
                            case .given: return given!
                            default: return own[(i + 1) % set.items.count]
                            }
                        }
                        let out = model.predictLastWithThoughts(prompts: items.map(\.prompt), given: given)
                        add(source, Evaluator.scoreLast(items, out), weights: out.thoughtWeight.map(Double.init), indices: b)
                    }
                }
                for (j, share) in fixedShares.enumerated() {
                    for b in batches {
                        let items = b.map { set.items[$0] }
                        let out = model.predictLastWithThoughts(prompts: items.map(\.prompt), given: b.map { own[$0] },
                                                                thoughtShare: share)
                        add(.share(j), Evaluator.scoreLast(items, out), weights: out.thoughtWeight.map(Double.init), indices: b)
                    }
                }
            } else {
                for start in stride(from: 0, to: set.items.count, by: batch) {
                    let items = Array(set.items[start..<min(start + batch, set.items.count)])
                    let r = Evaluator.scoreWithOutput(items, model: model, pad: pad, using: &rng)
                    // Per item: the mean weight over its answer positions.
                    let weights = items.enumerated().map { j, item in
                        item.answer.indices.map { Double(r.output.thoughtWeight[j * r.length + item.prompt.count - 1 + $0]) }
                            .reduce(0, +) / Double(item.answer.count)
                    }
                    add(.own, r.scores, weights: weights, indices: Array(start..<start + items.count))
                }
            }
            let n = Double(max(1, set.items.count))
            for key in keys {
                scores[key, default: []].append(SetScore(name: set.name, task: set.task, soft: (soft[key] ?? .nan) / n,
                                                         exact: (exact[key] ?? .nan) / n, weight: (weight[key] ?? .nan) / n))
            }
            ownItems.append((itemsOf[.source(.own)] ?? []).map { $0! })
            for j in fixedShares.indices { shareItems[j].append((itemsOf[.share(j)] ?? []).map { $0! }) }
        }
        var bySource: [ThoughtSource: Result] = [:]
        for source in wanted { bySource[source] = Result(sets: scores[.source(source)] ?? []) }
        return Scored(bySource: bySource, byShare: fixedShares.indices.map { Result(sets: scores[.share($0)] ?? []) },
                      ownItems: ownItems, shareItems: shareItems)
    }

    /// Scores items with one answer token from the prediction after the last prompt position only
    /// (same scores as `scoreWithOutput`, at a fraction of the cost); `out` row j is item j.
    static func scoreLast(_ items: [EvalItem], _ out: ThinkingOutput) -> [(soft: Double, exact: Double)] {
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

    /// Scores one batch of items; also returns the model output (thoughts, weights) and the padded length.
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
