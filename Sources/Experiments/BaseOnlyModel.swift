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
}
