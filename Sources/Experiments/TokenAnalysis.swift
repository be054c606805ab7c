import Foundation
import HDF5Log
import QuietSTaR
import SyntheticData
import TensorCore

/// End-of-run analyses: which tokens thinking helps (the paper's improvement-distribution
/// figure) and a few sample thoughts.
enum TokenAnalysis {
    /// `/tokens/*`: for every scored token of `eval.tokenBatches` held-out batches of the
    /// continued-training corpus (seed derived from eval.seed, never a training batch seed),
    /// nll_base = -log p_base(x_{i+1}) and delta_logp = log p_mixed(x_{i+1}) - log p_base(x_{i+1})
    /// (thought at position i, natural log), plus the token id and the thought's mixing weight.
    static func tokens(_ model: QuietSTaRModel, experiment e: Experiment, vocabulary: Vocabulary) throws -> [String: Column] {
        let corpus = try Corpus(kind: e.train.corpus, vocabulary: vocabulary,
                                seed: UInt64(e.eval.seed) &+ 0x5EED_0F_70CE, packing: e.train.packing)
        var rng = RNG(seed: UInt64(e.eval.seed)).fork(0x70CE)
        var token: [Int64] = [], nll: [Float] = [], delta: [Float] = [], weight: [Float] = []
        let b = e.train.batch, l = e.model.sequenceLength
        for i in 0..<e.eval.tokenBatches {
            let rows = corpus.batch(index: i, size: b, length: l)
            let targets = rows.flatMap(corpus.targets)
            let out = model.predictWithThoughts(tokens: rows.flatMap { $0 }, batch: b, length: l, using: &rng)
            for p in 0..<(b * l) where targets[p] != Corpus.ignoreIndex {
                let base = logSoftmax(out.baseLogits, row: p, vocab: out.vocab, at: targets[p])
                let mixed = logSoftmax(out.mixedLogits, row: p, vocab: out.vocab, at: targets[p])
                token.append(Int64(targets[p])); nll.append(-base); delta.append(mixed - base)
                weight.append(out.thoughtWeight[p])
            }
        }
        return ["token": .int(token), "nll_base": .float(nll), "delta_logp": .float(delta), "mixing_weight": .float(weight)]
    }

    /// `/thoughts/*`: `eval.thoughtSamples` evaluation items taken round-robin over the sets;
    /// the thought the model has at the last prompt position (before the answer), its context,
    /// the answer, delta_logp of the answer's first token (mixed minus base, full vocabulary) and
    /// the mixing weight.
    static func thoughts(_ model: QuietSTaRModel, evaluator: Evaluator, vocabulary v: Vocabulary,
                         count n: Int, seed: UInt64) -> [String: Column] {
        var items: [(String, EvalItem)] = []
        for j in 0..<n {
            let set = evaluator.sets[j % evaluator.sets.count]
            let k = j / evaluator.sets.count
            if k < set.items.count { items.append((set.name, set.items[k])) }
        }
        var context: [String] = [], thought: [String] = [], answer: [String] = [], sets: [String] = []
        var delta: [Float] = [], weight: [Float] = []
        if !items.isEmpty {
            var rng = RNG(seed: seed).fork(0x7407)
            let r = Evaluator.scoreWithOutput(items.map(\.1), model: model, pad: v.pad, using: &rng)
            for (j, (set, item)) in items.enumerated() {
                let p = j * r.length + item.prompt.count - 1
                sets.append(set)
                context.append(v.decode(item.prompt))
                thought.append(v.decode(r.output.thoughts[p]))
                answer.append(v.decode(item.answer))
                let base = logSoftmax(r.output.baseLogits, row: p, vocab: r.output.vocab, at: item.answer[0])
                let mixed = logSoftmax(r.output.mixedLogits, row: p, vocab: r.output.vocab, at: item.answer[0])
                delta.append(mixed - base)
                weight.append(r.output.thoughtWeight[p])
            }
        }
        return ["set": .string(sets), "context": .string(context), "thought": .string(thought),
                "answer": .string(answer), "delta_logp": .float(delta), "mixing_weight": .float(weight)]
    }

    /// log softmax(logits[row])[t], computed in Double.
    static func logSoftmax(_ logits: [Float], row: Int, vocab: Int, at t: Int) -> Float {
        let base = row * vocab
        var m = -Float.infinity
        for j in 0..<vocab { m = max(m, logits[base + j]) }
        var s = 0.0
        for j in 0..<vocab { s += Foundation.exp(Double(logits[base + j] - m)) }
        return Float(Double(logits[base + t] - m) - Foundation.log(s))
    }
}
