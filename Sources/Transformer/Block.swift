import TensorCore
import NN

/// Pre-LN transformer block: x + attn(ln1 x), then + mlp(ln2 .).
public final class Block: Module {
    public let ln1: LayerNorm, ln2: LayerNorm
    public let qkv: Linear     // C -> 3C
    public let proj: Linear    // C -> C
    public let fc: Linear      // C -> 4C
    public let fc2: Linear     // 4C -> C
    public let heads: Int

    enum LayerCache {
        case none
        case append(LayerKV)
        case thought(prefix: LayerKV, steps: [LayerKV])
    }

    init(_ c: GPTConfig, index: Int, using rng: inout RNG) {
        let d = c.width, name = "blocks.\(index)"
        let residualStd = 0.02 / Float(2 * c.layers).squareRoot()
        ln1 = LayerNorm(d, name: name + ".ln1")
        ln2 = LayerNorm(d, name: name + ".ln2")
        qkv = Linear(d, 3 * d, std: 0.02, using: &rng, name: name + ".attn.qkv")
        proj = Linear(d, d, std: residualStd, using: &rng, name: name + ".attn.proj")
        fc = Linear(d, 4 * d, std: 0.02, using: &rng, name: name + ".mlp.fc")
        fc2 = Linear(4 * d, d, std: residualStd, using: &rng, name: name + ".mlp.proj")
        heads = c.heads
    }

    public var namedParameters: [(String, Tensor)] {
        ln1.namedParameters + qkv.namedParameters + proj.namedParameters + ln2.namedParameters
            + fc.namedParameters + fc2.namedParameters
    }

    /// x (B, T, C) -> (B, T, C), and this layer's new keys/values.
    func callAsFunction(_ x: Tensor, mask: AttentionMask, cache: LayerCache) -> (Tensor, LayerKV) {
        let d = x.shape[2]
        let a = qkv(ln1(x))                       // (B, T, 3C)
        let q = a.slice(axis: 2, 0..<d)
        let k = a.slice(axis: 2, d..<(2 * d))
        let v = a.slice(axis: 2, (2 * d)..<(3 * d))
        let y: Tensor
        switch cache {
        case .none:
            y = Tensor.attention(q: q, k: k, v: v, heads: heads, mask: mask)
        case .append(let p):
            y = Tensor.attention(q: q, k: Tensor.concat([p.k, k], axis: 1), v: Tensor.concat([p.v, v], axis: 1),
                                 heads: heads, mask: mask)
        case .thought(let p, let steps):
            let diag = steps.map { DiagonalKV(k: $0.k, v: $0.v) } + [DiagonalKV(k: k, v: v)]
            y = Tensor.attention(q: q, k: p.k, v: p.v, heads: heads, mask: mask, diagonal: diag)
        }
        let h = x + proj(y)
        return (h + fc2(fc(ln2(h)).gelu()), LayerKV(k: k, v: v))
    }
}
