import Foundation
import QuietSTaR
import SyntheticData
import TensorCore

/// What a trained model thinks at every position of a text (`sweep think`).
///
/// One `predictWithThoughts` pass over the text (r = 1, n_true = 1, thoughts greedy or sampled
/// with RNG(seed: seed)): at position i the thought generated there, the thought's share of the
/// mix (mixing weight), and for i < n - 1 the log-probabilities of the next true token x_{i+1}
/// under the base and the mixed prediction (natural log) and delta = mixed - base.
public struct ThoughtInspection: Sendable {
    public struct Position: Sendable, Equatable {
        public let index: Int
        public let token: Int
        public let word: String
        public let thought: [Int]
        public let thoughtText: String
        /// The thought's share of the mixed prediction.
        public let mixingWeight: Float
        /// The mixed prediction's most likely next token.
        public let predicted: Int
        public let predictedWord: String
        /// The next true token and its log-probabilities (nil at the last position).
        public let next: Int?
        public let nextWord: String?
        public let logpBase: Double?
        public let logpMixed: Double?
        public var deltaLogp: Double? { logpMixed.flatMap { m in logpBase.map { m - $0 } } }
    }

    public let run: String
    public let method: QuietSTaRConfig.Method
    public let decoding: QuietSTaRConfig.ThoughtDecoding
    public let seed: UInt64
    public let text: String
    public let positions: [Position]

    /// Thinks at every position of `tokens` with the run's model.
    public static func inspect(_ run: TrainedRun, tokens: [Int], decoding: QuietSTaRConfig.ThoughtDecoding,
                               seed: UInt64) throws -> ThoughtInspection {
        let limit = run.experiment.model.sequenceLength
        guard tokens.count <= limit else {
            throw TrainedRunError("the text has \(tokens.count) tokens; run \(run.name) thinks over at most \(limit) (model.sequenceLength)")
        }
        let v = run.vocabulary
        var rng = RNG(seed: seed)
        let n = tokens.count
        let out = run.model.predictWithThoughts(tokens: tokens, batch: 1, length: n, decoding: decoding, using: &rng)
        var positions: [Position] = []
        for i in 0..<n {
            let row = Array(out.mixedLogits[(i * out.vocab)..<((i + 1) * out.vocab)])
            let predicted = row.indices.max { row[$0] < row[$1] }!
            let next = i + 1 < n ? tokens[i + 1] : nil
            positions.append(Position(
                index: i, token: tokens[i], word: v.word(of: tokens[i]), thought: out.thoughts[i],
                thoughtText: v.decode(out.thoughts[i]), mixingWeight: out.thoughtWeight[i],
                predicted: predicted, predictedWord: v.word(of: predicted), next: next, nextWord: next.map(v.word(of:)),
                logpBase: next.map { Double(TokenAnalysis.logSoftmax(out.baseLogits, row: i, vocab: out.vocab, at: $0)) },
                logpMixed: next.map { Double(TokenAnalysis.logSoftmax(out.mixedLogits, row: i, vocab: out.vocab, at: $0)) }))
        }
        return ThoughtInspection(run: run.name, method: run.model.config.method, decoding: decoding, seed: seed,
                                 text: v.decode(tokens), positions: positions)
    }

    /// The inspection as JSON (for scripts): run, method, decoding, seed, text, and per position
    /// index, token, thought (text and ids), mixing_weight, predicted, next, logp_base,
    /// logp_mixed, delta_logp (null at the last position).
    public func json() -> String {
        func num(_ x: Double?) -> JSON {
            guard let x, x.isFinite else { return .null }
            return .number(String(x))
        }
        func str(_ s: String?) -> JSON { s.map(JSON.string) ?? .null }
        let rows = positions.map { p in
            JSON.object([("index", .number(String(p.index))), ("token", .string(p.word)),
                         ("thought", .string(p.thoughtText)),
                         ("thought_ids", .array(p.thought.map { .number(String($0)) })),
                         ("mixing_weight", num(Double(p.mixingWeight))), ("predicted", .string(p.predictedWord)),
                         ("next", str(p.nextWord)), ("logp_base", num(p.logpBase)), ("logp_mixed", num(p.logpMixed)),
                         ("delta_logp", num(p.deltaLogp))])
        }
        return JSON.object([("run", .string(run)), ("method", .string(method.rawValue)),
                            ("decoding", .string(decoding.rawValue)), ("seed", .number(String(seed))),
                            ("text", .string(text)), ("positions", .array(rows))]).pretty() + "\n"
    }

    /// A compact table: one line per position (the token, the next true token, the thought's
    /// weight, delta log p coloured green when the thought helped and red when it hurt, the
    /// thought dimmed), then the mean delta.
    public func render(style: TerminalStyle) -> String {
        func show(_ w: String) -> String { w.replacingOccurrences(of: "\n", with: "\\n") }
        let tokenWidth = max(5, positions.map { show($0.word).count }.max() ?? 0)
        let nextWidth = max(4, positions.map { show($0.nextWord ?? "").count }.max() ?? 0)
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
        var lines = [style.bold("\(run)") + "  \(method.rawValue), \(decoding.rawValue) thoughts, seed \(seed)"]
        lines.append(style.dim("   i  \(pad("token", tokenWidth))  \(pad("next", nextWidth))  weight  Δlog p  thought"))
        for p in positions {
            let delta: String
            if let d = p.deltaLogp {
                let s = String(format: "%+7.3f", d)
                delta = d > 0.005 ? style.green(s) : d < -0.005 ? style.red(s) : s
            } else { delta = "      -" }
            let thought = method == .noThought ? "(no thought)" : "[\(show(p.thoughtText))]"
            lines.append(String(format: "%4d", p.index) + "  " + pad(show(p.word), tokenWidth) + "  "
                         + pad(show(p.nextWord ?? "-"), nextWidth) + "  " + String(format: "%6.3f", p.mixingWeight)
                         + "  " + delta + "  " + style.dim(thought))
        }
        let deltas = positions.compactMap(\.deltaLogp)
        if !deltas.isEmpty {
            let mean = deltas.reduce(0, +) / Double(deltas.count)
            let helped = deltas.filter { $0 > 0 }.count
            lines.append(style.dim("mean Δlog p \(String(format: "%+.4f", mean)) nats over \(deltas.count) next tokens; "
                                   + "the thought raised p(next) at \(helped)"))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
