import XCTest
import TensorCore
import NN
import Transformer
@testable import QuietSTaR

/// An oracle task where thinking must help: "a b c = r" with r = g(f(a, b), c) for two random
/// 5 x 5 tables f and g (no arithmetic structure to generalise from).
/// Pretraining shows every entry of f and g as a fact ("a b = f(a, b)", "( m c = g(m, c)"), worked
/// items ("a b c = ( m ) r", m = f(a, b)) for ALL triples, and direct items ("a b c = r") for a first
/// group only. Quiet-STaR then trains on direct items of a second group and is evaluated on a third.
/// A ONE-layer model cannot read a held-out answer off one forward pass (a 125-entry table it never
/// saw), but a thought that writes m reveals it: the model learned to continue "= ( m )" with g(m, c).
/// The thought markers start as "(" and ")". Quiet-STaR training must make the mixed (talk)
/// log-likelihood of the held-out answers clearly higher than the base model's.
/// (Training on direct items the base model already knows teaches nothing: the thoughts then carry
/// no reward and the mixing weight drifts; hence the three groups.)
final class OracleTaskTests: XCTestCase {
    let p = 5
    var eq: Int { p }          // "="
    var sep: Int { p + 1 }     // separator / padding
    var open: Int { p + 2 }    // "(" opens a worked step
    var close: Int { p + 3 }   // ")" closes it
    var vocab: Int { p + 4 }
    let length = 8
    let debug = false  // true prints the training trace

    /// Three disjoint groups of triples: direct answers shown in pretraining (50), direct items for
    /// Quiet-STaR training, never seen direct before (50), and held-out evaluation items (25).
    func triples() -> (pretrain: [[Int]], train: [[Int]], held: [[Int]]) {
        var all: [[Int]] = []
        for a in 0..<p { for b in 0..<p { for c in 0..<p { all.append([a, b, c]) } } }
        var rng = RNG(seed: 77)
        var shuffled = all
        for i in stride(from: shuffled.count - 1, to: 0, by: -1) { shuffled.swapAt(i, rng.int(i + 1)) }
        return (Array(shuffled[75...]), Array(shuffled[25..<75]), Array(shuffled[..<25]))
    }

    func pad(_ doc: [Int]) -> [Int] { doc + [Int](repeating: sep, count: length - doc.count) }

    func targets(_ row: [Int], scoreFrom: Int = 0) -> [Int] {
        (0..<length).map { i in
            i + 1 < length && i >= scoreFrom && row[i + 1] != sep ? row[i + 1] : ignoreIndex
        }
    }

    /// Two random tables, fixed by a seed.
    let tables: (f: [[Int]], g: [[Int]]) = {
        var r = RNG(seed: 2024)
        let make = { (r: inout RNG) in (0..<5).map { _ in (0..<5).map { _ in r.int(5) } } }
        return (make(&r), make(&r))
    }()
    func f(_ a: Int, _ b: Int) -> Int { tables.f[a][b] }
    func g(_ m: Int, _ c: Int) -> Int { tables.g[m][c] }
    func answer(_ t: [Int]) -> Int { g(f(t[0], t[1]), t[2]) }

    func direct(_ t: [Int]) -> [Int] { pad(t + [eq, answer(t)]) }
    func worked(_ t: [Int]) -> [Int] { pad(t + [eq, open, f(t[0], t[1]), close, answer(t)]) }
    func fact(_ a: Int, _ b: Int, second: Bool) -> [Int] {
        second ? pad([open, a, b, eq, g(a, b)]) : pad([a, b, eq, f(a, b)])
    }

    /// Mean log-probability of the answer of held-out direct items: (base, mixed after a thought).
    func heldOutLogLikelihood(_ m: QuietSTaRModel, _ held: [[Int]]) -> (base: Float, talk: Float) {
        let rows = held.map { direct($0) }
        var rng = RNG(seed: 1)
        let out = m.predictWithThoughts(tokens: rows.flatMap { $0 }, batch: rows.count, length: length,
                                        decoding: .greedy, using: &rng)
        var base: Float = 0, talk: Float = 0
        let v = vocab
        for (bi, row) in rows.enumerated() {
            let pos = bi * length + 3  // the "=" position predicts the answer
            func logp(_ logits: [Float]) -> Float {
                let z = Array(logits[(pos * v)..<((pos + 1) * v)])
                let mx = z.max()!
                let lse = mx + log(z.map { exp($0 - mx) }.reduce(0, +))
                return z[row[4]] - lse
            }
            base += logp(out.baseLogits); talk += logp(out.mixedLogits)
            if debug && bi < 4 { print("held", row, "w", out.thoughtWeight[pos], "thought", out.thoughts[pos], "base", logp(out.baseLogits), "talk", logp(out.mixedLogits)) }
        }
        return (base / Float(rows.count), talk / Float(rows.count))
    }

    func testThinkingRaisesTalkLikelihoodOnOracleTask() {
        let (pre, train, held) = triples()
        var rng = RNG(seed: 5)
        let gpt = GPT(GPTConfig(vocab: vocab, context: 16, layers: 1, width: 48, heads: 2), using: &rng)
        // Pretraining: facts, worked items (all triples), direct items (train triples only).
        let opt = AdamW(params: gpt.parameters, weightDecay: 0.0)
        let bs = 64
        for step in 0..<2000 {
            var toks: [Int] = [], tg: [Int] = []
            for _ in 0..<bs {
                let u = rng.int(10)
                let row: [Int]
                if u < 3 { row = fact(rng.int(p), rng.int(p), second: rng.int(2) == 0) }
                else if u < 7 {
                    let all = pre + train + held
                    row = worked(all[rng.int(all.count)])
                } else { row = direct(pre[rng.int(pre.count)]) }
                toks += row; tg += targets(row, scoreFrom: 2)
            }
            gpt.zeroGrad()
            let loss = gpt.forward(tokens: toks, batch: bs, length: length).logits.reshaped([bs * length, vocab]).crossEntropy(targets: tg)
            loss.backward()
            if debug && step % 250 == 0 { print("pretrain", step, loss.item) }
            clipGradNorm(gpt.parameters, maxNorm: 1)
            opt.update(lr: step < 50 ? 1e-3 * Float(step + 1) / 50 : 1e-3)
        }
        var cfg = QuietSTaRConfig()
        cfg.thoughtLength = 1
        cfg.rationales = 4
        cfg.nTrue = 1
        cfg.startMarkerInitToken = open
        cfg.endMarkerInitToken = close
        cfg.forbiddenThoughtTokens = [sep, eq, open, close]
        cfg.policyWeight = 1
        let model = QuietSTaRModel(gpt: gpt, config: cfg, using: &rng)
        let before = heldOutLogLikelihood(model, held)
        if debug {
            var r1 = RNG(seed: 1)
            let rows = held.map { direct($0) }
            let out = model.predictWithThoughts(tokens: rows.flatMap { $0 }, batch: rows.count, length: length, decoding: .greedy, using: &r1)
            for (bi, t) in held.prefix(6).enumerated() { print(t, "m", f(t[0], t[1]), "thought", out.thoughts[bi * length + 3]) }
        }
        // Quiet-STaR on direct items of the second group only.
        let trainer = QuietSTaRTrainer(model: model, weightDecay: 0)
        for _ in 0..<80 {
            var toks: [Int] = [], tg: [Int] = []
            for _ in 0..<16 {
                let row = direct(train[rng.int(train.count)])
                toks += row; tg += targets(row, scoreFrom: 2)
            }
            let st = trainer.step(tokens: toks, targets: tg, batch: 16, length: length, lr: 3e-4, using: &rng)
            if debug { print(st) }
        }
        let after = heldOutLogLikelihood(model, held)
        print("oracle task: held-out log p(answer) before: base \(before.base) talk \(before.talk); after: base \(after.base) talk \(after.talk)")
        XCTAssertGreaterThan(after.talk - after.base, 0.5, "thinking does not raise the talk log-likelihood")
        XCTAssertGreaterThan(after.talk, before.talk + 0.3)
    }
}
