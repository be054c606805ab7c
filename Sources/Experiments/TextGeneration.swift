import Foundation
import QuietSTaR
import SyntheticData
import TensorCore

/// A prompt continued token by token with a thought before every token (`sweep generate`),
/// through `QuietSTaRModel.generate`: greedy when no temperature is given, otherwise sampled from
/// softmax(logits / T) with RNG(seed: seed); thoughts decoded per the run's `eval.decoding`.
///
/// The generated text never contains thought markers: the thoughts are kept apart, and if the
/// model emits a token that is not text (`<start>`, `<end>`, `<pad>`, `<sep>`), generation stops
/// there and that token is dropped.
public struct TextGeneration: Sendable {
    public enum Stop: String, Sendable {
        case maxTokens = "max tokens", contextFull = "context full", nonText = "non-text token"
    }

    public let prompt: [Int]
    /// The generated tokens (text only).
    public let tokens: [Int]
    /// The thought before each generated token (`thoughts[j]` preceded `tokens[j]`).
    public let thoughts: [[Int]]
    public let stop: Stop

    public static func generate(_ run: TrainedRun, prompt: [Int], maxTokens: Int, temperature: Float?,
                                seed: UInt64) throws -> TextGeneration {
        guard maxTokens >= 1 else { throw TrainedRunError("--max-tokens must be >= 1 (got \(maxTokens))") }
        if let t = temperature, !(t > 0 && t.isFinite) {
            throw TrainedRunError("--temperature must be a finite number > 0 (got \(t)); omit it for greedy decoding")
        }
        let model = run.model, v = run.vocabulary
        let room = model.gpt.config.context - model.config.maxPositionOffset - prompt.count
        guard room >= 1 else {
            throw TrainedRunError("the prompt has \(prompt.count) tokens; run \(run.name) has room for at most "
                                  + "\(model.gpt.config.context - model.config.maxPositionOffset - 1)")
        }
        let nonText: Set<Int> = [v.thoughtStart, v.thoughtEnd, v.pad, v.separator]
        var rng = RNG(seed: seed)
        let g = model.generate(prompts: [prompt], maxTokens: maxTokens, temperature: temperature, stop: nonText, using: &rng)
        var tokens = g.tokens[0], thoughts = g.thoughts[0]
        let stop: Stop
        if let last = tokens.last, nonText.contains(last) {
            tokens.removeLast(); thoughts.removeLast(); stop = .nonText
        } else if tokens.count < maxTokens {
            stop = .contextFull
        } else { stop = .maxTokens }
        return TextGeneration(prompt: prompt, tokens: tokens, thoughts: thoughts, stop: stop)
    }

    /// The prompt and its continuation as text; with `showThoughts`, each generated token is
    /// preceded by its thought as a dimmed `[thought: ...]`. The prompt is bold.
    public func render(vocabulary v: Vocabulary, showThoughts: Bool, style: TerminalStyle) -> String {
        var words: [String] = []
        for (j, t) in tokens.enumerated() {
            if showThoughts {
                let text = v.decode(thoughts[j]).replacingOccurrences(of: "\n", with: "\\n")
                words.append(style.dim("[thought: \(text)]"))
            }
            words.append(v.word(of: t))
        }
        let promptText = style.bold(v.decode(prompt))
        let continuation = Vocabulary.render(words)
        let join = prompt.last == v.newline || tokens.first == v.newline || continuation.isEmpty ? "" : " "
        return promptText + join + continuation
    }
}
