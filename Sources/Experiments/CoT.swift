import Foundation
import HDF5Log
import QuietSTaR
import SyntheticData
import TensorCore

/// Chain-of-thought majority vote maj@k on GSM-style held-out items (paper Figure 5;
/// QUIET-STAR.md, "Evaluation"): round-robin over the GSM evaluation sets, or, with
/// `spec.steps` = k, `spec.items` fresh held-out chains of k operations (`EvalSuite.chains`,
/// seeded by the evaluation seed), which may be longer than any chain in training text.
///
/// Prompt: the item's prompt (`Q: ... ?\nA:`) followed by the `steps:` token (the vocabulary has
/// no "Let's think step by step"; the worked format is `A: steps: bob = 8 . cid = 16 . 16`).
/// Each item gets `samples` continuations at `temperature`, with a thought before every token
/// (`QuietSTaRModel.generate`, thoughts decoded per `eval.decoding`), until a newline, at most
/// `maxTokens` tokens (or until the context is full). The sample's answer is the last number token
/// before the first newline (or before the end when there is none); no number: no answer.
/// maj@k for k = 1 ... samples votes over the first k samples (`MajorityVote`).
///
/// The same evaluation runs on the same model's base predictions: a `.noThought` copy of the
/// config sharing the GPT (no thought, base logits). Both use the same random stream per item,
/// RNG(seed: eval.seed).fork(0xC07).fork(item number), so results are deterministic.
public struct CoTEvaluation: Sendable {
    public let spec: CoTSpec
    /// GSM items: round-robin over the GSM sets (set 1 item 1, set 2 item 1, ...), or the chains
    /// of `spec.steps` operations.
    public let items: [EvalItem]
    public let seed: UInt64
    let steps: Int, newline: Int, modulus: Int

    /// Precondition (with `spec.steps`): the experiment was validated (`eval.cot.steps`).
    public init(spec: CoTSpec, evaluator: Evaluator, vocabulary v: Vocabulary) {
        self.spec = spec
        if let k = spec.steps {
            items = EvalSuite.chains(k: k, count: spec.items, vocabulary: v, seed: evaluator.seed).items
        } else {
            let gsm = evaluator.sets.filter { $0.task == .gsm }
            var picked: [EvalItem] = []
            let longest = gsm.map(\.items.count).max() ?? 0
            outer: for k in 0..<longest {
                for set in gsm where k < set.items.count {
                    if picked.count == spec.items { break outer }
                    picked.append(set.items[k])
                }
            }
            items = picked
        }
        seed = evaluator.seed
        steps = v.steps
        newline = v.newline
        modulus = v.config.gsm.modulus
    }

    public struct Result: Sendable, Equatable {
        /// 1 ... samples.
        public let k: [Int]
        /// maj@k with thoughts, per k.
        public let accuracy: [Double]
        /// maj@k from the base predictions (no thought), per k.
        public let accuracyBase: [Double]
        /// Per item, per sample: the answer read (nil: none), with and without thoughts.
        public let answers: [[Int?]]
        public let answersBase: [[Int?]]

        /// The `/cot/*` datasets of the run log.
        public var columns: [String: Column] {
            ["k": .int(k.map(Int64.init)), "accuracy": .double(accuracy), "accuracy_base": .double(accuracyBase)]
        }
    }

    /// The prompt of one item: its prompt followed by `steps:`.
    public func prompt(_ item: EvalItem) -> [Int] { item.prompt + [steps] }

    /// The answer of one generated continuation: the last number token before the first newline
    /// (or before the end), nil if there is none.
    public func finalAnswer(_ generated: [Int]) -> Int? {
        let line = generated.prefix { $0 != newline }
        return line.last { $0 >= 0 && $0 < modulus }
    }

    /// The answers of `spec.samples` samples per item from `model` as it is (its method decides
    /// whether it thinks).
    public func answers(_ model: QuietSTaRModel) -> [[Int?]] {
        items.enumerated().map { j, item in
            var rng = RNG(seed: seed).fork(0xC07).fork(UInt64(j))
            let p = prompt(item)
            let g = model.generate(prompts: [[Int]](repeating: p, count: spec.samples), maxTokens: spec.maxTokens,
                                   temperature: spec.temperature, stop: [newline], using: &rng)
            return g.tokens.map(finalAnswer)
        }
    }

    /// maj@k with thoughts and from the base predictions of the same model.
    public func evaluate(_ model: QuietSTaRModel) -> Result {
        let truth = items.map { $0.answer[0] }
        let with = answers(model)
        let without = answers(model.baseOnly())
        return Result(k: Array(1...spec.samples),
                      accuracy: MajorityVote.accuracy(samples: with, truth: truth, maxK: spec.samples),
                      accuracyBase: MajorityVote.accuracy(samples: without, truth: truth, maxK: spec.samples),
                      answers: with, answersBase: without)
    }
}
