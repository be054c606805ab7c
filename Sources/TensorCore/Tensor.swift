/// A float32 tensor, row-major, with an optional place in a reverse-mode autodiff graph.
///
/// Shape legend used in comments across the suite: B batch, T/L sequence, C/d model width,
/// H heads, D head width, V vocabulary, R rationales, S thought steps.
///
/// Autodiff: every op that takes at least one tensor with `requiresGrad` returns a tensor that
/// remembers its inputs (`parents`) and a pullback closure. `backward()` on a scalar runs the
/// reverse sweep. Gradients ACCUMULATE (`+=`) into `grad`; they are zeroed only by `zeroGrad()`.
/// There is no global tape: the graph is the web of references from the output back to its inputs.
public final class Tensor {
    /// Values, row-major, `count == shape.product`.
    public var data: [Float]
    /// Dimensions, outermost first.
    public let shape: [Int]
    /// Whether gradients flow to / through this tensor.
    public let requiresGrad: Bool
    /// Accumulated gradient (same layout as `data`); empty until the first accumulation.
    public var grad: [Float] = []
    /// A name for debugging and checkpoints (parameters carry theirs).
    public var name: String = ""

    /// Inputs of the op that produced this tensor (empty for leaves).
    let parents: [Tensor]
    /// Pullback: reads `self.grad` (passed as the output) and accumulates into the parents' grads.
    let pullback: ((Tensor) -> Void)?

    /// A leaf tensor (a parameter if `requiresGrad`, a constant otherwise).
    public init(_ data: [Float], shape: [Int], requiresGrad: Bool = false, name: String = "") {
        precondition(data.count == shape.reduce(1, *),
                     "Tensor: \(data.count) values do not fill shape \(shape)")
        self.data = data
        self.shape = shape
        self.requiresGrad = requiresGrad
        self.parents = []
        self.pullback = nil
        self.name = name
    }

    /// The result of an op. It joins the graph only if some parent requires a gradient.
    init(_ data: [Float], shape: [Int], parents: [Tensor], pullback: @escaping (Tensor) -> Void) {
        precondition(data.count == shape.reduce(1, *),
                     "Tensor: \(data.count) values do not fill shape \(shape)")
        self.data = data
        self.shape = shape
        let needs = parents.contains { $0.requiresGrad }
        self.requiresGrad = needs
        self.parents = needs ? parents : []
        self.pullback = needs ? pullback : nil
    }

    public static func zeros(_ shape: [Int], requiresGrad: Bool = false) -> Tensor {
        Tensor([Float](repeating: 0, count: shape.reduce(1, *)), shape: shape, requiresGrad: requiresGrad)
    }

    public static func scalar(_ v: Float) -> Tensor { Tensor([v], shape: []) }

    /// Normal(0, std) entries from an explicit generator.
    public static func randn(_ shape: [Int], std: Float = 1, using rng: inout RNG,
                             requiresGrad: Bool = false) -> Tensor {
        let n = shape.reduce(1, *)
        var d = [Float](repeating: 0, count: n)
        for i in 0..<n { d[i] = rng.normal() * std }
        return Tensor(d, shape: shape, requiresGrad: requiresGrad)
    }

    public var count: Int { data.count }
    public var rank: Int { shape.count }
    /// The single value of a one-element tensor.
    public var item: Float { precondition(data.count == 1, "item of shape \(shape)"); return data[0] }

    /// Same values, cut from the graph (shares storage until either side is mutated).
    public func detached() -> Tensor { Tensor(data, shape: shape) }

    public func zeroGrad() { grad = [] }

    /// Adds `g` into this tensor's gradient (allocating it on first use).
    @inline(__always)
    func accumulate(_ g: UnsafeBufferPointer<Float>) {
        if grad.isEmpty {
            grad = uninitializedFloats(g.count) { d in
                let s = g.baseAddress!
                Parallel.chunks(g.count) { r in (d + r.lowerBound).update(from: s + r.lowerBound, count: r.count) }
            }
            return
        }
        grad.withUnsafeMutableBufferPointer { dst in
            let d = dst.baseAddress!, s = g.baseAddress!
            Parallel.chunks(dst.count) { r in for i in r { d[i] += s[i] } }
        }
    }

    /// Adds `g` into this tensor's gradient; on first use the array is shared, not copied (the
    /// caller passes an output gradient that the reverse sweep releases right after the pullback).
    func accumulate(_ g: [Float]) {
        if grad.isEmpty { grad = g; return }
        g.withUnsafeBufferPointer { accumulate($0) }
    }

    /// Gives mutable access to the gradient buffer for pullbacks that can either accumulate or, on
    /// first use, write: `fresh` is true when the buffer was just allocated and its contents are
    /// undefined (the body must then overwrite every entry instead of adding to it).
    @inline(__always)
    func withGradFresh<R>(_ body: (UnsafeMutableBufferPointer<Float>, _ fresh: Bool) -> R) -> R {
        if grad.isEmpty {
            grad = [Float](unsafeUninitializedCapacity: data.count) { _, n in n = data.count }
            return grad.withUnsafeMutableBufferPointer { body($0, true) }
        }
        return grad.withUnsafeMutableBufferPointer { body($0, false) }
    }

    /// Gives mutable access to the gradient buffer (zero-filled on first use, large buffers by all
    /// workers), for pullbacks that accumulate in place (e.g. products with beta = 1).
    @inline(__always)
    func withGrad<R>(_ body: (UnsafeMutableBufferPointer<Float>) -> R) -> R {
        if grad.isEmpty {
            grad = uninitializedFloats(data.count) { d in
                Parallel.chunks(data.count) { r in (d + r.lowerBound).update(repeating: 0, count: r.count) }
            }
        }
        return grad.withUnsafeMutableBufferPointer { body($0) }
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let head = data.prefix(8).map { String(format: "%.4g", $0) }.joined(separator: ", ")
        return "Tensor\(shape)[\(head)\(data.count > 8 ? ", ..." : "")]"
    }
}
