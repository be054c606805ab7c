import Foundation
import QuietSTaR
import SyntheticData

extension Experiment {
    /// Fills the vocabulary-dependent Quiet-STaR tokens the user did not give (`given` holds the
    /// dotted paths present in the user's JSON): start marker from `steps:`, end marker from `.`,
    /// pause token `.`, forbidden thought tokens `<start>`, `<end>`, `<pad>`, `<sep>`. Copies the
    /// mirrored evaluation fields into the data and Quiet-STaR configs.
    mutating func resolve(vocabulary v: Vocabulary, given: Set<String>) {
        if !given.contains("quietstar.startMarkerInitToken") { quietstar.startMarkerInitToken = v.steps }
        if !given.contains("quietstar.endMarkerInitToken") { quietstar.endMarkerInitToken = v.period }
        if !given.contains("quietstar.pauseToken") { quietstar.pauseToken = v.period }
        if !given.contains("quietstar.forbiddenThoughtTokens") {
            quietstar.forbiddenThoughtTokens = [v.thoughtStart, v.thoughtEnd, v.pad, v.separator]
        }
        data.eval.itemsPerSet = eval.itemsPerSet
        quietstar.evalThoughts = eval.decoding
    }

    /// Checks every range; throws an `ExperimentError` naming `file`, the field's path (after
    /// `prefix`) and the allowed values.
    func validate(file: String, prefix: String, vocabularySize vocab: Int) throws {
        func fail(_ field: String, _ value: Any, _ allowed: String) -> ExperimentError {
            ExperimentError(file: file, path: prefix + field, problem: "invalid value \(value)", allowed: allowed)
        }
        func int(_ field: String, _ x: Int, _ r: ClosedRange<Int>) throws {
            if !r.contains(x) { throw fail(field, x, "\(r.lowerBound) ... \(r.upperBound)") }
        }
        func positive(_ field: String, _ x: Float) throws {
            if !(x > 0 && x.isFinite) { throw fail(field, x, "a finite number > 0") }
        }
        func nonNegative(_ field: String, _ x: Float) throws {
            if !(x >= 0 && x.isFinite) { throw fail(field, x, "a finite number >= 0") }
        }
        let nameOK = !name.isEmpty && name.unicodeScalars.allSatisfy {
            CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0)
        } && !name.hasPrefix(".")
        if !nameOK { throw fail("name", "\"\(name)\"", "letters, digits, '-', '_', '.' (not starting with '.')") }

        try int("model.layers", model.layers, 1...64)
        try int("model.width", model.width, 4...4096)
        try int("model.heads", model.heads, 1...64)
        if model.width % model.heads != 0 {
            throw fail("model.heads", model.heads, "a divisor of model.width (\(model.width))")
        }
        try int("model.sequenceLength", model.sequenceLength, 64...4096)

        try int("pretrain.steps", pretrain.steps, 0...10_000_000)
        try int("pretrain.factSteps", pretrain.factSteps, 0...10_000_000)
        try int("pretrain.batch", pretrain.batch, 1...4096)
        try positive("pretrain.lr", pretrain.lr)
        try int("pretrain.warmup", pretrain.warmup, 0...10_000_000)
        try nonNegative("pretrain.weightDecay", pretrain.weightDecay)
        try int("pretrain.seed", pretrain.seed, 0...Int.max)

        let corpora: [CorpusKind] = [.reasoning, .generic, .base]
        if !corpora.contains(train.corpus) {
            throw fail("train.corpus", "\"\(train.corpus.rawValue)\"", corpora.map(\.rawValue).joined(separator: ", "))
        }
        try int("train.steps", train.steps, 0...10_000_000)
        try int("train.batch", train.batch, 1...4096)
        try positive("train.lr", train.lr)
        try int("train.warmup", train.warmup, 0...10_000_000)
        try nonNegative("train.weightDecay", train.weightDecay)
        try int("train.seed", train.seed, 0...Int.max)

        try int("eval.every", eval.every, 1...10_000_000)
        try int("eval.itemsPerSet", eval.itemsPerSet, 1...100_000)
        try int("eval.batch", eval.batch, 1...4096)
        try int("eval.seed", eval.seed, 0...Int.max)
        try int("eval.tokenBatches", eval.tokenBatches, 0...1000)
        try int("eval.thoughtSamples", eval.thoughtSamples, 0...1000)
        try int("eval.cot.items", eval.cot.items, 0...100_000)
        try int("eval.cot.samples", eval.cot.samples, 1...64)
        try int("eval.cot.maxTokens", eval.cot.maxTokens, 1...1024)
        try positive("eval.cot.temperature", eval.cot.temperature)
        if let k = eval.cot.steps, !data.gsm.allowsChains(k: k) {
            throw fail("eval.cot.steps", "\(k)", "1 ... \(data.gsm.longestChain) or null (k + 1 + gsm.maxDistractors "
                       + "names are needed; gsm.names has \(data.gsm.names.count))")
        }

        do { try quietstar.validate() } catch let e as QuietSTaRConfigError {
            throw fail("quietstar.\(e.field)", e.value, e.allowed)
        }
        let tokens = 0...(vocab - 1)
        try int("quietstar.startMarkerInitToken", quietstar.startMarkerInitToken, tokens)
        try int("quietstar.endMarkerInitToken", quietstar.endMarkerInitToken, tokens)
        try int("quietstar.pauseToken", quietstar.pauseToken, tokens)
        for (i, t) in quietstar.forbiddenThoughtTokens.enumerated() {
            try int("quietstar.forbiddenThoughtTokens[\(i)]", t, tokens)
        }
    }
}
