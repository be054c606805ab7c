/// The reverse sweep.
///
/// `loss.backward()` seeds d loss / d loss = 1 (or the given seed), orders the graph so every
/// tensor comes after all tensors that consume it, and runs each pullback once. Gradients of leaves
/// accumulate across calls until `zeroGrad()`; intermediate gradients are released after use.
extension Tensor {
    public func backward(seed: [Float]? = nil) {
        precondition(requiresGrad, "backward() on a tensor that does not require a gradient")
        if let s = seed {
            precondition(s.count == count, "backward seed has \(s.count) values for shape \(shape)")
            accumulate(s)
        } else {
            precondition(count == 1, "backward() without a seed needs a scalar, got shape \(shape)")
            accumulate([1])
        }
        // Iterative post-order DFS (graphs can be deep: no recursion).
        var order: [Tensor] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(Tensor, Int)] = [(self, 0)]
        visited.insert(ObjectIdentifier(self))
        while let (t, i) = stack.popLast() {
            if i < t.parents.count {
                stack.append((t, i + 1))
                let p = t.parents[i]
                if p.requiresGrad && visited.insert(ObjectIdentifier(p)).inserted {
                    stack.append((p, 0))
                }
            } else {
                order.append(t)
            }
        }
        for t in order.reversed() {
            guard let pb = t.pullback else { continue }
            if t.grad.isEmpty { continue }  // nothing flowed here
            pb(t)
            t.grad = []  // intermediate: free it
        }
    }
}
