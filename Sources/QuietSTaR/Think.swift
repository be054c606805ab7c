import Foundation
import TensorCore
import Transformer

/// Parallel thought generation ("think"): one thought at EVERY position of every row at once.
///
/// Step 1 feeds the start marker at all L columns, steps 2 ... t+1 feed the sampled thought tokens,
/// step t+2 feeds the end marker. Each step is one forward pass over L new tokens with the
/// `.thought` cache: column i sees x_0 ... x_i and its own earlier thought tokens only; its position
/// id is i + s. Thought token s is sampled from the logits of step s at the sampling temperature
/// with forbidden tokens masked out; the sample is not differentiated through. For REINFORCE each
/// sample's log-probability at the REINFORCE temperature is kept as a differentiable tensor.
struct ThoughtRollout {
    /// Keys/values of every thought step, per layer (for the talk steps' cache).
    var steps: [[LayerKV]]
    /// Sampled (or forced) tokens: `tokens[s]` has rows * L entries.
    var tokens: [[Int]]
    /// log pi of each sampled token at the REINFORCE temperature: t tensors of (rows * L).
    var logPi: [Tensor]
    /// Hidden states after the end marker (rows, L, C): the thought's prediction of x_{i+1}.
    var endHidden: Tensor
}

enum Decoding { case sample, greedy, forced(Int), replay([[Int]]) }

extension QuietSTaRModel {
    /// - prefix: keys/values of the base pass over the text (rows, L, C) per layer.
    /// - positions: base position ids (rows * L); step s uses positions + s.
    func think(prefix: [LayerKV], positions: [Int], rows: Int, length: Int, decoding: Decoding,
               keepLogPi: Bool, using rng: inout RNG) -> ThoughtRollout {
        let t = config.thoughtLength
        let v = gpt.config.vocab
        var steps: [[LayerKV]] = []
        var tokens: [[Int]] = []
        var logPi: [Tensor] = []
        func pos(_ s: Int) -> [Int] { positions.map { $0 + s } }

        var out = gpt.forward(embeddings: markerInput(startMarker, rows: rows, length: length), positions: pos(1),
                              mask: .causal, cache: .thought(prefix: prefix, steps: steps))
        steps.append(out.kv)
        for s in 1...max(t, 1) where t > 0 {
            let logits = out.logits.reshaped([rows * length, v])
            let next: [Int]
            switch decoding {
            case .forced(let tok): next = [Int](repeating: tok, count: rows * length)
            case .replay(let toks): next = toks[s - 1]
            case .greedy: next = pick(logits.data, vocab: v, greedy: true, using: &rng)
            case .sample: next = pick(logits.data, vocab: v, greedy: false, using: &rng)
            }
            if keepLogPi {
                // log pi = log_softmax(logits / T_reinforce)[token]
                logPi.append(-(logits * (1 / config.reinforceTemperature)).nllPerRow(targets: next))
            }
            tokens.append(next)
            out = gpt.forward(embeddings: gpt.embed(next, batch: rows, length: length), positions: pos(s + 1),
                              mask: .causal, cache: .thought(prefix: prefix, steps: steps))
            steps.append(out.kv)
        }
        out = gpt.forward(embeddings: markerInput(endMarker, rows: rows, length: length), positions: pos(t + 2),
                          mask: .causal, cache: .thought(prefix: prefix, steps: steps))
        steps.append(out.kv)
        return ThoughtRollout(steps: steps, tokens: tokens, logPi: logPi, endHidden: out.hidden)
    }

    /// Picks one token per row of logits (N * V): argmax, or a sample at the sampling temperature,
    /// never a forbidden token.
    func pick(_ logits: [Float], vocab v: Int, greedy: Bool, using rng: inout RNG) -> [Int] {
        let n = logits.count / v
        var out = [Int](repeating: 0, count: n)
        var allowed = [Bool](repeating: true, count: v)
        for f in config.forbiddenThoughtTokens where f >= 0 && f < v { allowed[f] = false }
        let invT = 1 / config.samplingTemperature
        var p = [Float](repeating: 0, count: v)
        logits.withUnsafeBufferPointer { lg in
            for r in 0..<n {
                let row = lg.baseAddress! + r * v
                var best = -Float.infinity, arg = 0
                for j in 0..<v where allowed[j] && row[j] > best { best = row[j]; arg = j }
                if greedy { out[r] = arg; continue }
                for j in 0..<v { p[j] = allowed[j] ? Foundation.exp((row[j] - best) * invT) : 0 }
                out[r] = p.withUnsafeBufferPointer { rng.categorical($0) }
            }
        }
        return out
    }
}
