import Foundation
import SyntheticData

/// Does the mixing head trust a right thought more than a wrong one? Every item of a task's sets,
/// with its own thought, sorted by whether the thought's prediction alone (fixed share w = 1) and
/// the base prediction (w = 0) get it right (exact match), and for each of the four groups the
/// head's mean weight at the answer and the mean scores of the mix, the thought alone and the base
/// (`sweep eval <run> --by-correctness`), pooled over the task's sets and for each set (`perSet`), since
/// pooled groups also differ by difficulty. A head that tells right thoughts from wrong ones gives
/// the thought more weight where it alone is right and the base is wrong than the other way round.
/// The hindsight line is a head that picks, item by item, the better of w = 1 and w = 0 (the
/// higher soft score): a bound on what choosing between the two predictions could give.
/// Items are pooled over the task's sets (all sets have `eval.itemsPerSet` items, so the pooled
/// means are the means over sets the other tables show).
public struct ThoughtCorrectness: Sendable, Equatable {
    public struct Group: Sendable, Equatable {
        public let thoughtRight: Bool
        public let baseRight: Bool
        public let items: Int
        /// Means over the group's items (NaN for an empty group).
        public let weight: Double
        public let mixSoft, mixExact, thoughtSoft, baseSoft: Double
    }

    public let task: EvalTask
    /// "gsm" or "csqa" for a task's pooled items, else the set's name.
    public let name: String
    public let items: Int
    /// (right, wrong), (right, right), (wrong, right), (wrong, wrong): thought alone, base.
    public let groups: [Group]
    /// Per item the better (by soft score) of the thought alone and the base: mean soft, mean exact.
    public let hindsightSoft: Double
    public let hindsightExact: Double

    /// - mix, thought, base: per item (pooled over the task's sets, in the same item order) the
    ///   score with the head's mix, with the thought's prediction alone and with the base prediction.
    public init(task: EvalTask, name: String? = nil, mix: [Evaluator.ItemScore], thought: [Evaluator.ItemScore],
                base: [Evaluator.ItemScore]) {
        precondition(mix.count == thought.count && mix.count == base.count, "ThoughtCorrectness: one score per item in each")
        self.task = task
        self.name = name ?? task.rawValue
        items = mix.count
        func mean(_ xs: [Double]) -> Double { xs.isEmpty ? .nan : xs.reduce(0, +) / Double(xs.count) }
        groups = [(true, false), (true, true), (false, true), (false, false)].map { tr, br in
            let idx = mix.indices.filter { (thought[$0].exact == 1) == tr && (base[$0].exact == 1) == br }
            return Group(thoughtRight: tr, baseRight: br, items: idx.count, weight: mean(idx.map { mix[$0].weight }),
                         mixSoft: mean(idx.map { mix[$0].soft }), mixExact: mean(idx.map { mix[$0].exact }),
                         thoughtSoft: mean(idx.map { thought[$0].soft }), baseSoft: mean(idx.map { base[$0].soft }))
        }
        let best = mix.indices.map { thought[$0].soft >= base[$0].soft ? thought[$0] : base[$0] }
        hindsightSoft = mean(best.map(\.soft))
        hindsightExact = mean(best.map(\.exact))
    }

    /// The split of each task a run's sets have (one answer token per item), from `Evaluator.score`
    /// with fixed shares [1, 0]; `tasks[j]` is set j's task.
    public static func split(tasks: [EvalTask], own: [[Evaluator.ItemScore]], thoughtAlone: [[Evaluator.ItemScore]],
                             base: [[Evaluator.ItemScore]]) -> [ThoughtCorrectness] {
        [EvalTask.gsm, .csqa].compactMap { task in
            let numbers = tasks.indices.filter { tasks[$0] == task && !thoughtAlone[$0].isEmpty }
            guard !numbers.isEmpty else { return nil }
            return ThoughtCorrectness(task: task, mix: numbers.flatMap { own[$0] }, thought: numbers.flatMap { thoughtAlone[$0] },
                                      base: numbers.flatMap { base[$0] })
        }
    }

    /// The split of each set with fixed-share scores, in set order; `names[j]` is set j's name.
    public static func perSet(tasks: [EvalTask], names: [String], own: [[Evaluator.ItemScore]],
                              thoughtAlone: [[Evaluator.ItemScore]], base: [[Evaluator.ItemScore]]) -> [ThoughtCorrectness] {
        tasks.indices.filter { !thoughtAlone[$0].isEmpty }.map {
            ThoughtCorrectness(task: tasks[$0], name: names[$0], mix: own[$0], thought: thoughtAlone[$0], base: base[$0])
        }
    }

    /// Lines of `sweep eval`'s table for these splits.
    public static func lines(_ splits: [ThoughtCorrectness]) -> [String] {
        func f(_ x: Double) -> String { String(format: "%9.3f", x) }
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
        let width = max(10, (splits.map(\.name.count).max() ?? 0) + 2)
        var out = ["head weight by correctness, own thought: items grouped by whether the thought's prediction alone (w=1) and the "
                   + "base prediction (w=0) are right (exact match); weight = the head's mean weight at the answer; soft "
                   + "scores of the mix, w=1 and w=0; items of a task (gsm, csqa) pooled over its sets, then of each set",
                   pad("items of", width) + "w=1    w=0      items   weight  mix soft mix exact  w=1 soft  w=0 soft"]
        for s in splits {
            for g in s.groups {
                out.append(pad(s.name, width) + pad(g.thoughtRight ? "right" : "wrong", 7) + pad(g.baseRight ? "right" : "wrong", 7)
                           + String(format: "%7d", g.items) + f(g.weight) + f(g.mixSoft) + f(g.mixExact) + f(g.thoughtSoft)
                           + f(g.baseSoft))
            }
            out.append(pad(s.name, width) + "hindsight (per item the better of w=1 and w=0, of \(s.items) items): soft "
                       + String(format: "%.3f, exact %.3f", s.hindsightSoft, s.hindsightExact))
        }
        return out
    }
}
