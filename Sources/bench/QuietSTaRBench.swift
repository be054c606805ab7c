import Foundation
import TensorCore
import NN
import Transformer
import QuietSTaR

/// `bench quietstar`: one full Quiet-STaR training step (forward, backward, AdamW) at the sizes of the
/// performance bar: 2 layers, d 128, 4 heads, vocabulary 64, L 128, batch 4, r 2, t 5 sampled thought
/// tokens, n_true 4. Prints the step's FLOP count, the achieved GFLOP/s and, last, `ms_per_step: N`.
func runQuietSTaRBench(_ args: [String]) {
    var opts: [String: Int] = ["--threads": 2, "--layers": 2, "--d": 128, "--heads": 4, "--vocab": 64, "--ctx": 128,
                               "--batch": 4, "--r": 2, "--t": 5, "--ntrue": 4, "--warmup": 3, "--steps": 10]
    var i = 0
    while i < args.count {
        guard opts[args[i]] != nil, i + 1 < args.count, let v = Int(args[i + 1]) else {
            FileHandle.standardError.write("bench quietstar: unknown or incomplete option '\(args[i])'; options: \(opts.keys.sorted().joined(separator: " "))\n".data(using: .utf8)!)
            exit(2)
        }
        opts[args[i]] = v
        i += 2
    }
    let threads = opts["--threads"]!, layers = opts["--layers"]!, d = opts["--d"]!, heads = opts["--heads"]!
    let vocab = opts["--vocab"]!, l = opts["--ctx"]!, b = opts["--batch"]!, r = opts["--r"]!, t = opts["--t"]!
    let nTrue = opts["--ntrue"]!
    BLAS.setThreads(threads)
    var cfg = QuietSTaRConfig()
    cfg.thoughtLength = t
    cfg.rationales = r
    cfg.nTrue = nTrue
    cfg.startMarkerInitToken = 1
    cfg.endMarkerInitToken = 2
    cfg.forbiddenThoughtTokens = [0]
    var rng = RNG(seed: 0)
    let gpt = GPT(GPTConfig(vocab: vocab, context: l + cfg.maxPositionOffset + 1, layers: layers, width: d, heads: heads),
                  using: &rng)
    let model = QuietSTaRModel(gpt: gpt, config: cfg, using: &rng)
    let trainer = QuietSTaRTrainer(model: model, weightDecay: 0.001)
    var data = RNG(seed: 1)
    let batches = (0..<4).map { _ in (0..<(b * (l + 1))).map { _ in data.int(vocab) } }

    // FLOPs (multiply-add = 2), forward; backward counted as twice the forward.
    // Per token and layer: projections 2 * 12 d^2; attention 2 * 2 * Tk * d (QK^T and PV, full L x L as
    // computed). LM head 2 d V per predicted token. Mixing head 2 (2d d + d d + d) per talk token.
    func passFlops(tokens n: Int, keys: Int) -> Double {
        let perLayer: Double = 24 * Double(d * d) + 4 * Double(keys * d)
        let head: Double = 2 * Double(d * vocab)
        return Double(n) * (Double(layers) * perLayer + head)
    }
    let rows = b * r
    var forward = passFlops(tokens: b * l, keys: l)                                  // base pass
    forward += passFlops(tokens: b * l, keys: l)                      // start marker, shared by the r copies
    forward += Double(t + 1 + nTrue - 1) * passFlops(tokens: rows * l, keys: l)      // think + talk passes
    let mixPerToken: Double = 2 * Double(3 * d * d + d) + 2 * Double(d * vocab)
    forward += Double(nTrue) * Double(rows * l) * mixPerToken                        // mixing head + LM head
    let flops = 3 * forward

    func step(_ k: Int) {
        let x = batches[k % batches.count]
        var tok: [Int] = [], tgt: [Int] = []
        for row in 0..<b {
            let start: Int = row * (l + 1)
            tok += x[start..<(start + l)]
            tgt += x[(start + 1)..<(start + l + 1)]
        }
        trainer.step(tokens: tok, targets: tgt, batch: b, length: l, lr: 3e-4, using: &rng)
    }
    for k in 0..<opts["--warmup"]! { step(k) }
    var times: [Double] = []
    for k in 0..<opts["--steps"]! {
        let t0 = DispatchTime.now().uptimeNanoseconds
        step(k)
        times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
    }
    times.sort()
    let med = times[times.count / 2]
    // FNV-1a over the bit patterns of every parameter after all steps: equal checksums mean
    // bit-identical training (e.g. across thread counts or builds).
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for p in model.parameters { for v in p.data { hash = (hash ^ UInt64(v.bitPattern)) &* 0x100_0000_01b3 } }
    print("config: layers \(layers) d \(d) heads \(heads) vocab \(vocab) L \(l) batch \(b) r \(r) t \(t) n_true \(nTrue) threads \(threads) params \(model.parameterCount)")
    print("product kernel: \(BLAS.productKernelDescription)")
    print(String(format: "flops_per_step: %.3g", flops))
    print(String(format: "gflop_per_s: %.1f", flops / (med / 1e3) / 1e9))
    print(String(format: "param_checksum: %016llx", hash))
    print(String(format: "ms_per_step: %.1f", med))
}
