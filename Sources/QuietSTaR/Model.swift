import TensorCore
import NN
import Transformer

/// A language model that thinks: the GPT, the learned start/end marker embeddings, and the
/// mixing head. Its parameters are everything Quiet-STaR trains.
public final class QuietSTaRModel: Module {
    public let gpt: GPT
    public let config: QuietSTaRConfig
    /// Start / end marker embeddings, STORED divided by their scale (`markerScale`, and
    /// `effectiveEndMarkerScale` for the end marker) and multiplied by it at use, so that Adam's
    /// step moves them that many times faster (the authors' 100x). (C)
    public let startMarker: Tensor
    public let endMarker: Tensor
    /// Mixing head: ReLU MLP [h_base, h_thought] (2d) -> h -> h -> 1, last layer zero-initialised.
    public let mixingHead: MLP

    public init(gpt: GPT, config: QuietSTaRConfig, using rng: inout RNG) {
        self.gpt = gpt
        self.config = config
        let d = gpt.config.width
        let table = gpt.wte.table
        func marker(_ token: Int, _ name: String, _ scale: Float) -> Tensor {
            precondition(token >= 0 && token < gpt.config.vocab, "marker init token \(token) outside the vocabulary")
            let row = Array(table.data[(token * d)..<((token + 1) * d)]).map { $0 / scale }
            let t = Tensor(row, shape: [d], requiresGrad: true)
            t.name = name
            return t
        }
        startMarker = marker(config.startMarkerInitToken, "quietstar.start_marker", config.markerScale)
        endMarker = marker(config.endMarkerInitToken, "quietstar.end_marker", config.effectiveEndMarkerScale)
        let h = config.mixingHeadWidth ?? d
        mixingHead = MLP(widths: [2 * d, h, h, 1], activation: .relu, zeroInitLast: true, using: &rng,
                         name: "quietstar.mixing_head")
        if config.mixingSide == .base, let bias = mixingHead.layers.last?.bias {
            // w on the base side: start at w = 1 so initialisation reproduces the base model.
            bias.data = [1]
        }
    }

    /// The same model under another config (for instance another evaluation decoding): the GPT
    /// shared, the markers and the mixing head copied. The config must keep the parameters' shapes.
    public func with(config other: QuietSTaRConfig) -> QuietSTaRModel {
        var unused = RNG(seed: 0)  // every parameter is copied
        let copy = QuietSTaRModel(gpt: gpt, config: other, using: &unused)
        for ((name, to), (_, from)) in zip(copy.namedParameters, namedParameters) {
            precondition(to.shape == from.shape, "with(config:): \(name) changes shape")
            to.data = from.data
        }
        return copy
    }

    public var namedParameters: [(String, Tensor)] {
        gpt.namedParameters + [(startMarker.name, startMarker), (endMarker.name, endMarker)] + mixingHead.namedParameters
    }

    /// Which parameters get weight decay: matrices of the GPT and the mixing head, not norms,
    /// biases or the marker embeddings.
    public var weightDecayMask: [Bool] {
        namedParameters.map { name, t in t.rank >= 2 && !name.hasPrefix("quietstar.start") && !name.hasPrefix("quietstar.end") }
    }

    /// Learning-rate multiplier of each parameter, in `namedParameters` order: the mixing head's
    /// `mixingHeadLRScale`, 1 for everything else (the markers' speed-up is in their storage).
    public var learningRateScales: [Float] {
        let head = Set(mixingHead.parameters.map(ObjectIdentifier.init))
        let s = config.effectiveMixingHeadLRScale
        return parameters.map { head.contains(ObjectIdentifier($0)) ? s : 1 }
    }

    /// The markers as the network receives them: the stored parameter times its scale, (C).
    public var startMarkerEmbedding: Tensor { startMarker * config.markerScale }
    public var endMarkerEmbedding: Tensor { endMarker * config.effectiveEndMarkerScale }

    /// A marker embedding (`startMarkerEmbedding` or `endMarkerEmbedding`) at every position: (rows, L, C).
    func markerInput(_ embedding: Tensor, rows: Int, length: Int) -> Tensor {
        Tensor.zeros([rows, length, gpt.config.width]) + embedding
    }

    /// Mixing weight w (rows, L, 1) from base and thought hidden states (rows, L, C) each.
    func mixingWeight(base: Tensor, thought: Tensor) -> Tensor {
        let w = mixingHead(Tensor.concat([base, thought], axis: 2))
        return config.mixingActivation == .sigmoid ? w.sigmoid() : w
    }

    /// Mixed hidden state: (1 - w) base + w thought (`.thought` side) or w base + (1 - w) thought.
    /// The tied LM head is linear, so this equals mixing the two predictions' logits.
    func mix(base: Tensor, thought: Tensor, w: Tensor) -> Tensor {
        let oneMinus = w * Float(-1) + Float(1)
        switch config.mixingSide {
        case .thought: return base.scaledRows(by: oneMinus) + thought.scaledRows(by: w)
        case .base: return base.scaledRows(by: w) + thought.scaledRows(by: oneMinus)
        }
    }

    /// A constant mixing weight (rows, L, 1) that gives the thought's prediction `share` of the mix
    /// on either side: w = share on the thought side, 1 - share on the base side. Used in place of
    /// the mixing head at inference, to ask what the head's weighting costs or gains. Like the
    /// head's own weight (without a sigmoid), the share may lie outside 0...1.
    func fixedMixingWeight(share: Float, rows: Int, length: Int) -> Tensor {
        precondition(share.isFinite, "fixed thought share \(share) is not a number")
        let w = config.mixingSide == .thought ? share : 1 - share
        return Tensor([Float](repeating: w, count: rows * length), shape: [rows, length, 1])
    }

    /// The weight given to the THOUGHT prediction, whichever side w is on (for logging).
    func thoughtShare(_ w: Float) -> Float { config.mixingSide == .thought ? w : 1 - w }
}
