import Foundation
import TensorCore
import NN
import Transformer

/// The same step as shared/bench/torch_lm_step.py: pre-LN GPT with learned positions, GELU MLP 4d,
/// LM head tied to the token embedding, AdamW (lr 3e-4, weight decay 0.1 on every parameter, as
/// torch.optim.AdamW does), random tokens, cross-entropy over all positions. Prints the median step
/// time after warmup; the last line is `tokens_per_s: N`.
func runLMBench(_ args: [String]) {
    let o = IntOptions(args, defaults: ["threads": 2, "layers": 2, "d": 128, "heads": 4, "vocab": 64,
                                        "ctx": 128, "batch": 16, "warmup": 10, "steps": 40], command: "bench lm")
    let threads = max(1, o["threads"]), b = o["batch"], t = o["ctx"], v = o["vocab"]
    guard o["d"] % max(o["heads"], 1) == 0, o["heads"] > 0 else { fail("bench lm: --d must be a multiple of --heads") }
    guard b > 0, t > 0, v > 0, o["steps"] > 0 else { fail("bench lm: --batch, --ctx, --vocab, --steps must be positive") }
    BLAS.setThreads(threads)

    var rng = RNG(seed: 0)
    let config = GPTConfig(vocab: v, context: t, layers: o["layers"], width: o["d"], heads: o["heads"])
    let model = GPT(config, using: &rng)
    let params = model.parameters
    let opt = AdamW(params: params, decays: params.map { _ in true }, weightDecay: 0.1)

    var data = RNG(seed: 1)
    let batches: [(inputs: [Int], targets: [Int])] = (0..<16).map { _ in
        var inputs: [Int] = [], targets: [Int] = []
        inputs.reserveCapacity(b * t); targets.reserveCapacity(b * t)
        for _ in 0..<b {
            let row = (0...t).map { _ in data.int(v) }
            inputs += row[0..<t]
            targets += row[1...t]
        }
        return (inputs, targets)
    }

    func step(_ i: Int) -> Float {
        let batch = batches[i % batches.count]
        let logits = model.forward(tokens: batch.inputs, batch: b, length: t).logits
        let loss = logits.reshaped([b * t, v]).crossEntropy(targets: batch.targets)
        loss.backward()
        opt.update(lr: 3e-4)
        model.zeroGrad()
        return loss.item
    }

    var firstLoss: Float = .nan, lastLoss: Float = .nan
    for i in 0..<o["warmup"] {
        let l = step(i)
        if i == 0 { firstLoss = l }
    }
    var times: [Double] = []
    for i in 0..<o["steps"] {
        let t0 = now()
        lastLoss = step(o["warmup"] + i)
        times.append(now() - t0)
        if firstLoss.isNaN { firstLoss = lastLoss }
    }
    let med = median(times)
    print("config: layers \(config.layers) d \(config.width) heads \(config.heads) vocab \(v) ctx \(t) batch \(b) "
          + "params \(model.parameterCount) threads \(threads)")
    print("product kernel: \(BLAS.productKernelDescription) threads \(BLAS.threads)")
    print(String(format: "loss: first %.4f last %.4f", firstLoss, lastLoss))
    print(String(format: "step_ms_min_max: %.2f %.2f (%d timed steps after %d warmup)",
                 times.min()! * 1e3, times.max()! * 1e3, times.count, o["warmup"]))
    print(String(format: "ms_per_step: %.2f", med * 1e3))
    if let mb = peakResidentMB() { print(String(format: "peak_rss_mb: %.1f", mb)) }
    print(String(format: "tokens_per_s: %.0f", Double(b * t) / med))
}
