import TensorCore
import NN

/// Size of a GPT. Defaults: the suite's main setting.
public struct GPTConfig: Codable, Equatable, Sendable {
    /// V: vocabulary size.
    public var vocab: Int
    /// Maximum position id + 1 (learned position embeddings).
    public var context: Int
    public var layers: Int
    /// d (C): model width.
    public var width: Int
    /// H: attention heads (width % heads == 0).
    public var heads: Int
    public init(vocab: Int, context: Int, layers: Int = 2, width: Int = 128, heads: Int = 4) {
        self.vocab = vocab; self.context = context; self.layers = layers; self.width = width; self.heads = heads
    }
}

/// One layer's keys and values, (B, T, C) each.
public struct LayerKV {
    public let k: Tensor
    public let v: Tensor
    public init(k: Tensor, v: Tensor) { self.k = k; self.v = v }
}

/// How a forward pass uses earlier keys/values.
public enum CacheUse {
    /// Self-attention among the new tokens only.
    case none
    /// Incremental decoding: keys = cached prefix followed by the new tokens (per layer).
    case append([LayerKV])
    /// Quiet-STaR's parallel thoughts: the T new tokens are one step of T thought columns.
    /// Token i sees the prefix keys allowed by the mask (causal: x_0 ... x_i), and the keys of
    /// column i in each earlier step (`steps[s][layer]`) plus its own: never another column's thought.
    case thought(prefix: [LayerKV], steps: [[LayerKV]])
}

/// What a forward pass returns.
public struct GPTOutput {
    /// Final-norm hidden states (B, T, C): logits = hidden @ wte^T, so mixing hidden states
    /// mixes logits linearly.
    public let hidden: Tensor
    /// (B, T, V)
    public let logits: Tensor
    /// This pass's own keys/values per layer, for caching.
    public let kv: [LayerKV]
}

/// Pre-LN decoder-only transformer (GPT-2 shape): learned position embeddings, GELU MLP of width 4d,
/// LM head tied to the token embedding.
///   h_0 = wte[x] + wpe[pos];  h_l = h + attn(ln1 h) ; h_{l+1} = h_l + mlp(ln2 h_l);  logits = lnF(h) wte^T.
public final class GPT: Module {
    public let config: GPTConfig
    public let wte: Embedding
    public let wpe: Embedding
    public let blocks: [Block]
    public let lnF: LayerNorm

    public init(_ config: GPTConfig, using rng: inout RNG) {
        precondition(config.width % config.heads == 0, "GPT: width \(config.width) not divisible by heads \(config.heads)")
        self.config = config
        wte = Embedding(config.vocab, config.width, std: 0.02, using: &rng, name: "wte")
        wpe = Embedding(config.context, config.width, std: 0.01, using: &rng, name: "wpe")
        blocks = (0..<config.layers).map { Block(config, index: $0, using: &rng) }
        lnF = LayerNorm(config.width, name: "ln_f")
    }

    public var namedParameters: [(String, Tensor)] {
        wte.namedParameters + wpe.namedParameters + blocks.flatMap(\.namedParameters) + lnF.namedParameters
    }

    /// Token embeddings (B, T, C) for ids laid out as [B, T].
    public func embed(_ tokens: [Int], batch: Int, length: Int) -> Tensor {
        wte(tokens, shape: [batch, length])
    }

    /// Forward pass from input embeddings.
    /// - x: (B, T, C) input embeddings (token embeddings, or learned marker embeddings).
    /// - positions: B*T position ids (row-major), each in 0..<context.
    public func forward(embeddings x: Tensor, positions: [Int], mask: AttentionMask = .causal,
                        cache: CacheUse = .none) -> GPTOutput {
        let b = x.shape[0], t = x.shape[1]
        precondition(positions.count == b * t, "GPT.forward: \(positions.count) positions for (B \(b), T \(t))")
        for p in positions { precondition(p >= 0 && p < config.context, "GPT.forward: position \(p) outside 0..<\(config.context)") }
        var h = x + wpe(positions, shape: [b, t])
        var kvs: [LayerKV] = []
        for (l, block) in blocks.enumerated() {
            let layerCache: Block.LayerCache
            switch cache {
            case .none: layerCache = .none
            case .append(let p): layerCache = .append(p[l])
            case .thought(let p, let steps): layerCache = .thought(prefix: p[l], steps: steps.map { $0[l] })
            }
            let (out, kv) = block(h, mask: mask, cache: layerCache)
            h = out
            kvs.append(kv)
        }
        let hidden = lnF(h)
        return GPTOutput(hidden: hidden, logits: logits(hidden), kv: kvs)
    }

    /// Forward pass from token ids laid out as [B, T].
    public func forward(tokens: [Int], batch: Int, length: Int, positions: [Int]? = nil,
                        mask: AttentionMask = .causal, cache: CacheUse = .none) -> GPTOutput {
        let pos = positions ?? (0..<batch).flatMap { _ in Array(0..<length) }
        return forward(embeddings: embed(tokens, batch: batch, length: length), positions: pos, mask: mask, cache: cache)
    }

    /// Tied LM head: logits = hidden @ wte^T.  (..., C) -> (..., V)
    public func logits(_ hidden: Tensor) -> Tensor { hidden.matmul(wte.table, transposeB: true) }
}
