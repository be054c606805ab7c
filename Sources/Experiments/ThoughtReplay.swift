import Foundation
import QuietSTaR
import TensorCore
import Transformer

/// An independent recomputation of the prediction after a GIVEN thought at one position, used to
/// check that the thoughts shown (`ThoughtInspection`) are the ones the prediction used.
///
/// Unlike `predictWithThoughts` (one forward pass per thought step over all columns, with the
/// thought key/value cache), this runs one dense causal forward pass over
/// `x_0 ... x_i, <start marker>, thought, <end marker>` with position ids `0 ... i, i+1 ... i+t+2`,
/// takes the hidden state after the end marker, the base hidden state at i, the mixing head's
/// weight and mixes (per `mixingSide` and `mixingActivation`) in plain arithmetic. The two paths
/// agree to float rounding when the thought is the same.
public enum ThoughtReplay {
    public struct Prediction: Sendable {
        /// Log-softmax of the mixed and of the base logits (V each).
        public let mixedLogProbs: [Double]
        public let baseLogProbs: [Double]
        /// The thought's share of the mix.
        public let thoughtWeight: Double
    }

    /// The prediction of x_{i+1} after thinking `thought` at position `i` of `text`.
    public static func predict(_ model: QuietSTaRModel, text: [Int], position i: Int, thought: [Int]) -> Prediction {
        precondition(i >= 0 && i < text.count, "ThoughtReplay: position \(i) outside the text of \(text.count) tokens")
        let gpt = model.gpt, d = gpt.config.width
        let prefix = Array(text[0...i])
        let base = gpt.forward(tokens: prefix, batch: 1, length: prefix.count)
        let hBase = Array(base.hidden.data[(i * d)..<((i + 1) * d)]).map(Double.init)
        let baseLogits = Array(base.logits.data[(i * gpt.config.vocab)...].prefix(gpt.config.vocab)).map(Double.init)
        if model.config.method == .noThought {
            let lp = logSoftmax(baseLogits)
            return Prediction(mixedLogProbs: lp, baseLogProbs: lp, thoughtWeight: 0)
        }
        var parts = [gpt.embed(prefix, batch: 1, length: prefix.count), model.startMarkerEmbedding.reshaped([1, 1, d])]
        if !thought.isEmpty { parts.append(gpt.embed(thought, batch: 1, length: thought.count)) }
        parts.append(model.endMarkerEmbedding.reshaped([1, 1, d]))
        let x = Tensor.concat(parts, axis: 1)
        let n = x.shape[1]
        let positions = Array(0...i) + (1...(thought.count + 2)).map { i + $0 }
        let dense = gpt.forward(embeddings: x, positions: positions, mask: .causal, cache: .none)
        let hThought = Array(dense.hidden.data[((n - 1) * d)..<(n * d)]).map(Double.init)

        let head = model.mixingHead(Tensor((hBase + hThought).map(Float.init), shape: [1, 1, 2 * d]))
        var w = Double(head.data[0])
        if model.config.mixingActivation == .sigmoid { w = 1 / (1 + Foundation.exp(-w)) }
        let share = model.config.mixingSide == .thought ? w : 1 - w
        let mixed = zip(hBase, hThought).map { (1 - share) * $0 + share * $1 }
        // Tied LM head: logits = mixed @ wte^T.
        let table = gpt.wte.table.data
        let logits = (0..<gpt.config.vocab).map { tok -> Double in
            var s = 0.0
            for c in 0..<d { s += mixed[c] * Double(table[tok * d + c]) }
            return s
        }
        return Prediction(mixedLogProbs: logSoftmax(logits), baseLogProbs: logSoftmax(baseLogits), thoughtWeight: share)
    }

    static func logSoftmax(_ x: [Double]) -> [Double] {
        let m = x.max() ?? 0
        let z = Foundation.log(x.reduce(0) { $0 + Foundation.exp($1 - m) })
        return x.map { $0 - m - z }
    }
}
