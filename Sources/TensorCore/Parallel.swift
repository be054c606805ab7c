import Foundation

/// Splits independent work over the cores. Every split used in the suite gives each index to exactly
/// one worker and never combines results across workers, so the results are bit-identical whatever
/// the scheduling (and whatever the number of workers).
enum Parallel {
    /// The number of workers: `BLAS.setThreads`, so `BLAS.setThreads(1)` makes everything serial.
    static var width: Int { max(1, BLAS.threads) }

    /// Runs body(i) for i in 0..<n, on up to `width` workers (inline when 1).
    /// Worker w takes the contiguous range of indices w*n/workers ..< (w+1)*n/workers.
    static func forEach(_ n: Int, workers: Int = Parallel.width, _ body: (Range<Int>) -> Void) {
        let w = min(workers, n)
        if w <= 1 { if n > 0 { body(0..<n) }; return }
        DispatchQueue.concurrentPerform(iterations: w) { i in
            body((i * n / w)..<((i + 1) * n / w))
        }
    }

    /// Element-wise work on 0..<n: body gets contiguous chunks whose boundaries are multiples of 8,
    /// split over the workers when n >= `minimum` (one call with 0..<n otherwise). For loops where
    /// each index is computed on its own, so the split cannot change any value.
    static func chunks(_ n: Int, minimum: Int = 65_536, _ body: (Range<Int>) -> Void) {
        if n < minimum || width <= 1 { if n > 0 { body(0..<n) }; return }
        forEach((n + 7) / 8) { g in body((g.lowerBound * 8)..<min(n, g.upperBound * 8)) }
    }

    /// The number of workers for `units` independent pieces of `unitSize` values each: 1 below
    /// `minimum` values in all, else `width`.
    static func workers(units: Int, unitSize: Int, minimum: Int = 65_536) -> Int {
        units * unitSize >= minimum ? width : 1
    }
}

extension Tensor {
    /// Calls body with the base address of each tensor's gradient buffer (zero-filled on first use).
    /// Tensors that do not require a gradient get a private zero sink; a tensor listed twice gets
    /// the same address both times.
    static func withGradPointers<R>(_ ts: [Tensor], _ body: ([UnsafeMutablePointer<Float>]) -> R) -> R {
        var unique: [Tensor] = []
        var slot: [Int] = []
        for t in ts {
            if let i = unique.firstIndex(where: { $0 === t }) { slot.append(i) } else { slot.append(unique.count); unique.append(t) }
        }
        func go(_ i: Int, _ acc: [UnsafeMutablePointer<Float>]) -> R {
            if i == unique.count { return body(slot.map { acc[$0] }) }
            let t = unique[i]
            if t.requiresGrad { return t.withGrad { go(i + 1, acc + [$0.baseAddress!]) } }
            var sink = [Float](repeating: 0, count: max(t.count, 1))
            return sink.withUnsafeMutableBufferPointer { go(i + 1, acc + [$0.baseAddress!]) }
        }
        return go(0, [])
    }

    /// Calls body with the base address of each tensor's values.
    static func withDataPointers<R>(_ ts: [Tensor], _ body: ([UnsafePointer<Float>]) -> R) -> R {
        func go(_ i: Int, _ acc: [UnsafePointer<Float>]) -> R {
            if i == ts.count { return body(acc) }
            return ts[i].data.withUnsafeBufferPointer { go(i + 1, acc + [$0.baseAddress!]) }
        }
        return go(0, [])
    }
}

/// A [Float] of `n` entries whose contents the caller fully overwrites (no zero fill).
@inline(__always)
func uninitializedFloats(_ n: Int, _ fill: (UnsafeMutablePointer<Float>) -> Void) -> [Float] {
    [Float](unsafeUninitializedCapacity: n) { buf, count in
        if n > 0 { fill(buf.baseAddress!) }
        count = n
    }
}
