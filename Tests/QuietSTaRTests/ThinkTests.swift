import XCTest
import TensorCore
import NN
import Transformer
@testable import QuietSTaR

/// Builds a small random model whose mixing head is NOT zero (so mixing matters in comparisons).
func makeModel(t: Int, r: Int = 1, nTrue: Int = 1, seed: UInt64 = 1, vocab: Int = 13,
               randomHead: Bool = true, endMarkerScale: Float? = nil) -> QuietSTaRModel {
    var rng = RNG(seed: seed)
    var cfg = QuietSTaRConfig()
    cfg.thoughtLength = t
    cfg.rationales = r
    cfg.nTrue = nTrue
    cfg.startMarkerInitToken = 1
    cfg.endMarkerInitToken = 2
    cfg.forbiddenThoughtTokens = [0]
    cfg.endMarkerScale = endMarkerScale
    let gpt = GPT(GPTConfig(vocab: vocab, context: 32, layers: 2, width: 16, heads: 2), using: &rng)
    // Larger embeddings than the default init so different tokens give clearly different logits.
    for i in 0..<gpt.wte.table.count { gpt.wte.table.data[i] *= 20 }
    let m = QuietSTaRModel(gpt: gpt, config: cfg, using: &rng)
    if randomHead {
        let last = m.mixingHead.layers.last!
        for i in 0..<last.weight.count { last.weight.data[i] = rng.normal() * 0.3 }
    }
    return m
}

final class ThinkTests: XCTestCase {
    /// Naive reference: for each position, an ordinary forward pass over x_0..x_i, the start
    /// marker, greedy thought tokens one by one, and the end marker.
    func naiveThought(_ m: QuietSTaRModel, _ x: [Int], at i: Int) -> (thought: [Int], hidden: [Float]) {
        let gpt = m.gpt, d = gpt.config.width
        var pieces: [Tensor] = [gpt.embed(Array(x[0...i]), batch: 1, length: i + 1),
                                (m.startMarker * m.config.markerScale).reshaped([1, 1, d])]
        var thought: [Int] = []
        func run() -> GPTOutput {
            let e = Tensor.concat(pieces, axis: 1)
            return gpt.forward(embeddings: e, positions: Array(0..<e.shape[1]))
        }
        for _ in 0..<m.config.thoughtLength {
            let out = run()
            let n = out.logits.shape[1], v = gpt.config.vocab
            let last = Array(out.logits.data[((n - 1) * v)..<(n * v)])
            var rng = RNG(seed: 0)
            let tok = m.pick(last, vocab: v, greedy: true, using: &rng)[0]
            thought.append(tok)
            pieces.append(gpt.embed([tok], batch: 1, length: 1))
        }
        pieces.append((m.endMarker * m.config.effectiveEndMarkerScale).reshaped([1, 1, d]))
        let out = run()
        let n = out.hidden.shape[1]
        return (thought, Array(out.hidden.data[((n - 1) * d)..<(n * d)]))
    }

    func testParallelGenerationEqualsNaiveLoop() {
        // The last case gives the end marker its own scale (the naive loop applies each marker's own).
        for (t, r, endScale) in [(1, 1, nil), (3, 2, nil), (5, 3, nil), (3, 2, 7)] as [(Int, Int, Float?)] {
            let m = makeModel(t: t, r: r, seed: UInt64(t), endMarkerScale: endScale)
            var rng = RNG(seed: 9)
            let b = 2, l = 6
            let x = (0..<(b * l)).map { _ in 3 + rng.int(10) }
            let base = m.gpt.forward(tokens: x, batch: b, length: l)
            let rows = b * r
            let positions = (0..<b).flatMap { _ in Array(0..<l) }
            let roll = m.think(prefix: base.kv, positions: positions, batch: b, copies: r, length: l,
                               decoding: .greedy, keepLogPi: false, using: &rng)
            let d = m.gpt.config.width
            for row in 0..<rows { for i in 0..<l {
                let bi = row % b
                let ref = naiveThought(m, Array(x[(bi * l)..<(bi * l + l)]), at: i)
                XCTAssertEqual(roll.tokens.map { $0[row * l + i] }, ref.thought, "t \(t) r \(r) row \(row) col \(i)")
                for j in 0..<d {
                    XCTAssertEqual(roll.endHidden.data[(row * l + i) * d + j], ref.hidden[j], accuracy: 1e-5)
                }
            } }
            // And the public inference path agrees with the naive mixed prediction.
            let out = m.predictWithThoughts(tokens: x, batch: b, length: l, decoding: .greedy, using: &rng)
            let v = m.gpt.config.vocab
            for bi in 0..<b { for i in 0..<l {
                let ref = naiveThought(m, Array(x[(bi * l)..<(bi * l + l)]), at: i)
                XCTAssertEqual(out.thoughts[bi * l + i], ref.thought)
                let h0 = Tensor(Array(base.hidden.data[((bi * l + i) * d)..<((bi * l + i + 1) * d)]), shape: [1, 1, d])
                let ht = Tensor(ref.hidden, shape: [1, 1, d])
                let w = m.mixingWeight(base: h0, thought: ht)
                let logits = m.gpt.logits(m.mix(base: h0, thought: ht, w: w))
                for j in 0..<v {
                    XCTAssertEqual(out.mixedLogits[(bi * l + i) * v + j], logits.data[j], accuracy: 1e-4)
                }
            } }
        }
    }

    /// L = 3, t = 2: which inputs can reach the output of column i at thought step s? Exactly
    /// x_0 ... x_i and column i's own thought inputs at steps <= s (found from gradients).
    func testThoughtMaskVisibility() {
        let m = makeModel(t: 2, seed: 4)
        let gpt = m.gpt, d = gpt.config.width, l = 3
        var rng = RNG(seed: 2)
        let text = Tensor.randn([1, l, d], using: &rng, requiresGrad: true)
        let stepInputs = (0..<3).map { _ in Tensor.randn([1, l, d], using: &rng, requiresGrad: true) }
        let base = gpt.forward(embeddings: text, positions: [0, 1, 2])
        var steps: [[LayerKV]] = []
        var outs: [GPTOutput] = []
        for s in 0..<3 {
            let o = gpt.forward(embeddings: stepInputs[s], positions: [0, 1, 2].map { $0 + s + 1 }, mask: .causal,
                                cache: .thought(prefix: base.kv, steps: steps))
            steps.append(o.kv); outs.append(o)
        }
        for s in 0..<3 { for i in 0..<l {
            text.zeroGrad(); for t in stepInputs { t.zeroGrad() }
            // A random projection: the plain sum of a layer norm's outputs has zero gradient.
            let col = outs[s].hidden.slice(axis: 1, i..<(i + 1))
            (col * Tensor.randn(col.shape, using: &rng)).sum().backward()
            func touched(_ t: Tensor, _ col: Int) -> Bool {
                !t.grad.isEmpty && t.grad[(col * d)..<((col + 1) * d)].contains { $0 != 0 }
            }
            for j in 0..<l {
                XCTAssertEqual(touched(text, j), j <= i, "step \(s) column \(i) sees x_\(j)?")
                for s2 in 0..<3 {
                    XCTAssertEqual(touched(stepInputs[s2], j), j == i && s2 <= s,
                                   "step \(s) column \(i) sees step \(s2) column \(j)?")
                }
            }
        } }
    }

    func testFreshMixingHeadReproducesBaseExactly() {
        for side in [QuietSTaRConfig.MixingSide.thought, .base] {
            var rng = RNG(seed: 3)
            var cfg = QuietSTaRConfig()
            cfg.thoughtLength = 3
            cfg.mixingSide = side
            let gpt = GPT(GPTConfig(vocab: 13, context: 32, layers: 1, width: 16, heads: 2), using: &rng)
            let m = QuietSTaRModel(gpt: gpt, config: cfg, using: &rng)
            let x = (0..<10).map { _ in rng.int(13) }
            let out = m.predictWithThoughts(tokens: x, batch: 2, length: 5, decoding: .sampled, using: &rng)
            XCTAssertEqual(out.mixedLogits.map(\.bitPattern), out.baseLogits.map(\.bitPattern), "side \(side)")
            XCTAssertEqual(out.thoughtWeight, [Float](repeating: 0, count: 10))
        }
    }
}
