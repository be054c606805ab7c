import QuietSTaR
import TensorCore

extension QuietSTaRModel {
    /// The same GPT without thoughts: a copy of the config with method `.noThought` sharing this
    /// model's GPT (its own mixing head is built but never used). Its predictions are this model's
    /// base logits; evaluation "without thoughts" uses it.
    public func baseOnly() -> QuietSTaRModel {
        var c = config
        c.method = .noThought
        var unused = RNG(seed: 0)
        return QuietSTaRModel(gpt: gpt, config: c, using: &unused)
    }

    /// The same model with evaluation thoughts decoded by `decoding` (`config.evalThoughts`; a copy,
    /// `with(config:)`): its predictions with the default decoding are this model's with `decoding`.
    public func withEvalThoughts(_ decoding: QuietSTaRConfig.ThoughtDecoding) -> QuietSTaRModel {
        if config.evalThoughts == decoding { return self }
        var c = config
        c.evalThoughts = decoding
        return with(config: c)
    }
}
