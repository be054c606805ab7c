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
    /// The text's keys/values per layer, repeated for every copy of a row (rows, L, C): the talk
    /// steps' prefix.
    var prefix: [LayerKV]
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
    /// - prefix: keys/values of the base pass over the text (B, L, C) per layer.
    /// - positions: base position ids (B * L); step s uses positions + s.
    /// - copies: thoughts per text row (the r rationales). The rollout has rows = copies * B rows,
    ///   rationale-major (row j * B + b is copy j of text row b).
    ///
    /// The start-marker step is the same for every copy of a row (same text, same marker, same
    /// positions), so it runs once over the B text rows and its keys/values and logits are repeated;
    /// the copies part from the first sampled token on. (Its gradient is the sum over the copies.)
    func think(prefix text: [LayerKV], positions textPositions: [Int], batch: Int, copies: Int = 1, length: Int,
               decoding: Decoding, keepLogPi: Bool, using rng: inout RNG) -> ThoughtRollout {
        let t = config.thoughtLength
        let v = gpt.config.vocab
        let rows = batch * copies
        func repeated(_ x: Tensor) -> Tensor { copies == 1 ? x : Tensor.concat(Array(repeating: x, count: copies), axis: 0) }
        func repeated(_ kv: [LayerKV]) -> [LayerKV] { kv.map { LayerKV(k: repeated($0.k), v: repeated($0.v)) } }
        let prefix = repeated(text)
        let positions = Array([[Int]](repeating: textPositions, count: copies).joined())
        var steps: [[LayerKV]] = []
        var tokens: [[Int]] = []
        var logPi: [Tensor] = []
        func pos(_ s: Int) -> [Int] { positions.map { $0 + s } }

        let start = gpt.forward(embeddings: markerInput(startMarkerEmbedding, rows: batch, length: length),
                                positions: textPositions.map { $0 + 1 }, mask: .causal, cache: .thought(prefix: text, steps: []))
        steps.append(repeated(start.kv))
        var logits = repeated(start.logits)
        for s in 1...max(t, 1) where t > 0 {
            let flat = logits.reshaped([rows * length, v])
            let next: [Int]
            switch decoding {
            case .forced(let tok): next = [Int](repeating: tok, count: rows * length)
            case .replay(let toks): next = toks[s - 1]
            case .greedy: next = pick(flat.data, vocab: v, greedy: true, using: &rng)
            case .sample: next = pick(flat.data, vocab: v, greedy: false, using: &rng)
            }
            if keepLogPi {
                // log pi = log_softmax(logits / T_reinforce)[token]
                logPi.append(-(flat * (1 / config.reinforceTemperature)).nllPerRow(targets: next))
            }
            tokens.append(next)
            let out = gpt.forward(embeddings: gpt.embed(next, batch: rows, length: length), positions: pos(s + 1),
                              mask: .causal, cache: .thought(prefix: prefix, steps: steps))
            steps.append(out.kv)
            logits = out.logits
        }
        let end = gpt.forward(embeddings: markerInput(endMarkerEmbedding, rows: rows, length: length), positions: pos(t + 2),
                              mask: .causal, cache: .thought(prefix: prefix, steps: steps))
        steps.append(end.kv)
        return ThoughtRollout(prefix: prefix, steps: steps, tokens: tokens, logPi: logPi, endHidden: end.hidden)
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
