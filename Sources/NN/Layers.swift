import TensorCore

/// Anything that owns parameters. Names are stable, dotted paths ("blocks.0.attn.qkv.weight"),
/// used by checkpoints and by per-parameter settings such as weight decay.
public protocol Module: AnyObject {
    /// (name, tensor) pairs, in a fixed order.
    var namedParameters: [(String, Tensor)] { get }
}

extension Module {
    public var parameters: [Tensor] { namedParameters.map(\.1) }
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }
    public func zeroGrad() { for p in parameters { p.zeroGrad() } }
}

func makeParameter(_ shape: [Int], std: Float, using rng: inout RNG, name: String) -> Tensor {
    let t = Tensor.randn(shape, std: std, using: &rng, requiresGrad: true)
    t.name = name
    return t
}

func makeConstantParameter(_ shape: [Int], value: Float, name: String) -> Tensor {
    let t = Tensor([Float](repeating: value, count: shape.reduce(1, *)), shape: shape, requiresGrad: true)
    t.name = name
    return t
}

/// y = x W + b, with W (in, out) and b (out). x is (..., in).
public final class Linear: Module {
    public let weight: Tensor  // (in, out)
    public let bias: Tensor?   // (out)
    public init(_ inputs: Int, _ outputs: Int, bias: Bool = true, std: Float? = nil, zeroInit: Bool = false,
                using rng: inout RNG, name: String = "linear") {
        let s = std ?? (1 / Float(inputs).squareRoot())
        weight = zeroInit ? makeConstantParameter([inputs, outputs], value: 0, name: name + ".weight")
                          : makeParameter([inputs, outputs], std: s, using: &rng, name: name + ".weight")
        self.bias = bias ? makeConstantParameter([outputs], value: 0, name: name + ".bias") : nil
    }
    public func callAsFunction(_ x: Tensor) -> Tensor {
        if let b = bias { return x.linear(weight, bias: b) }
        return x.matmul(weight)
    }
    public var namedParameters: [(String, Tensor)] {
        [(weight.name, weight)] + (bias.map { [($0.name, $0)] } ?? [])
    }
}

/// y[i] = table[ids[i]]; table (V, C).
public final class Embedding: Module {
    public let table: Tensor  // (V, C)
    public init(_ count: Int, _ width: Int, std: Float = 0.02, using rng: inout RNG, name: String = "embedding") {
        table = makeParameter([count, width], std: std, using: &rng, name: name + ".weight")
    }
    /// ids laid out as `shape` (e.g. [B, T]); output shape + [C].
    public func callAsFunction(_ ids: [Int], shape: [Int]) -> Tensor { table.gatherRows(ids, shape: shape) }
    public var namedParameters: [(String, Tensor)] { [(table.name, table)] }
}

/// y = (x - mean) / sqrt(var + eps) * gamma + beta over the last axis.
public final class LayerNorm: Module {
    public let gamma: Tensor, beta: Tensor
    public let eps: Float
    public init(_ width: Int, eps: Float = 1e-5, name: String = "ln") {
        gamma = makeConstantParameter([width], value: 1, name: name + ".weight")
        beta = makeConstantParameter([width], value: 0, name: name + ".bias")
        self.eps = eps
    }
    public func callAsFunction(_ x: Tensor) -> Tensor { x.layerNorm(gamma: gamma, beta: beta, eps: eps) }
    public var namedParameters: [(String, Tensor)] { [(gamma.name, gamma), (beta.name, beta)] }
}

/// Activation functions for `MLP`.
public enum Activation: String, Codable, Sendable {
    case gelu, relu
    func apply(_ x: Tensor) -> Tensor { self == .gelu ? x.gelu() : x.relu() }
}

/// A stack of Linear layers with an activation between them (none after the last):
/// y = L_n(act(... act(L_1(x)))). `zeroInitLast` starts the output at exactly 0
/// (Quiet-STaR's mixing head).
public final class MLP: Module {
    public let layers: [Linear]
    public let activation: Activation
    public init(widths: [Int], activation: Activation, zeroInitLast: Bool = false, outputStd: Float? = nil,
                using rng: inout RNG, name: String = "mlp") {
        precondition(widths.count >= 2, "MLP needs at least input and output widths")
        var ls: [Linear] = []
        for i in 0..<(widths.count - 1) {
            let last = i == widths.count - 2
            ls.append(Linear(widths[i], widths[i + 1], std: last ? outputStd : nil, zeroInit: last && zeroInitLast,
                             using: &rng, name: "\(name).\(i)"))
        }
        layers = ls
        self.activation = activation
    }
    public func callAsFunction(_ x: Tensor) -> Tensor {
        var h = x
        for (i, l) in layers.enumerated() {
            h = l(h)
            if i < layers.count - 1 { h = activation.apply(h) }
        }
        return h
    }
    public var namedParameters: [(String, Tensor)] { layers.flatMap(\.namedParameters) }
}
