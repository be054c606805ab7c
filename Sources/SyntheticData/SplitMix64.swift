/// SplitMix64 (Steele, Lea, Flood 2014): state += 0x9E3779B97F4A7C15; output = mix(state), where
/// mix(z) = z' ^ (z' >> 31), z' built by two xor-shift-multiply rounds. Period 2^64.
///
/// Every random choice of this module goes through the methods below (never through the standard
/// library's `shuffle()` / `random(in:)`, whose algorithms are not promised stable across Swift
/// versions), so the same seed gives bit-identical data on every platform and toolchain.
/// The generator is a value: pass it `inout`.
public struct SplitMix64: RandomNumberGenerator, Sendable, Equatable {
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// Seed of an independent stream: mix(seed, parts...), each part folded in by one SplitMix64
    /// finaliser. `SplitMix64(derivedFrom: seed, 7, index)` is how pure functions of (seed, index)
    /// get their generator.
    public init(derivedFrom seed: UInt64, _ parts: UInt64...) {
        var h = SplitMix64.mix(seed ^ 0x6A09_E667_F3BC_C909)
        for p in parts { h = SplitMix64.mix(h ^ SplitMix64.mix(p &+ 0x9E37_79B9_7F4A_7C15)) }
        state = h
    }

    /// The SplitMix64 output finaliser (a bijection of UInt64).
    @inlinable public static func mix(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SplitMix64.mix(state)
    }

    /// Uniform integer in 0..<n (n >= 1), unbiased by rejection of the top remainder.
    public mutating func below(_ n: Int) -> Int {
        precondition(n >= 1, "below(n) needs n >= 1")
        let m = UInt64(n)
        let limit = UInt64.max - (UInt64.max % m)   // accept x < limit: limit is a multiple of m
        while true {
            let x = next()
            if x < limit { return Int(x % m) }
        }
    }

    /// Uniform integer in the closed range.
    public mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.upperBound - range.lowerBound + 1)
    }

    /// Uniform Double in [0, 1) with 53 random bits.
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// One uniformly chosen element (array must be non-empty).
    public mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

    /// Fisher-Yates shuffle, from the last index down.
    public mutating func shuffle<T>(_ items: inout [T]) {
        var i = items.count - 1
        while i > 0 {
            items.swapAt(i, below(i + 1))
            i -= 1
        }
    }

    /// `count` distinct elements in random order (partial Fisher-Yates); count <= items.count.
    public mutating func sample<T>(_ items: [T], count: Int) -> [T] {
        precondition(count <= items.count, "sample: count \(count) > \(items.count) items")
        var a = items
        for i in 0..<count { a.swapAt(i, i + below(a.count - i)) }
        return Array(a[0..<count])
    }

    /// Index i with probability weights[i] / sum(weights); weights non-negative, sum > 0.
    public mutating func weightedIndex(_ weights: [Double]) -> Int {
        let total = weights.reduce(0, +)
        var u = unit() * total
        for (i, w) in weights.enumerated() where w > 0 {
            if u < w { return i }
            u -= w
        }
        return weights.lastIndex(where: { $0 > 0 }) ?? 0
    }
}

/// FNV-1a over the 64-bit words of `values`, then the SplitMix64 finaliser: a hash that is the
/// same in every process (Swift's `Hasher` is randomly seeded per process, so it cannot decide
/// which items are held out).
public func stableHash(_ values: [Int]) -> UInt64 {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325
    for v in values {
        var x = UInt64(bitPattern: Int64(v))
        for _ in 0..<8 {
            h = (h ^ (x & 0xFF)) &* 0x0000_0100_0000_01B3
            x >>= 8
        }
    }
    return SplitMix64.mix(h)
}

/// True when the hash falls in the held-out bucket: hash / 2^64 < fraction.
func inHeldOutBucket(_ hash: UInt64, fraction: Double) -> Bool {
    Double(hash >> 11) * 0x1p-53 < fraction
}
