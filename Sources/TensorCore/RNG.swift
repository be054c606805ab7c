import Foundation

/// A small, fast, seedable generator (xoshiro256**, seeded through SplitMix64).
/// Passed explicitly (`using: &rng`); the same seed gives the same stream on every machine.
public struct RNG: RandomNumberGenerator {
    private var s: (UInt64, UInt64, UInt64, UInt64)

    public init(seed: UInt64) {
        var x = seed
        func splitmix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s = (splitmix(), splitmix(), splitmix(), splitmix())
    }

    @inline(__always)
    private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    public mutating func next() -> UInt64 {
        let result = RNG.rotl(s.1 &* 5, 7) &* 9
        let t = s.1 << 17
        s.2 ^= s.0; s.3 ^= s.1; s.1 ^= s.2; s.0 ^= s.3
        s.2 ^= t
        s.3 = RNG.rotl(s.3, 45)
        return result
    }

    /// Uniform in [0, 1) with 24 bits of precision.
    public mutating func uniform() -> Float { Float(next() >> 40) * (1.0 / 16_777_216.0) }

    /// Standard normal (Box-Muller; one value per call, deterministic).
    public mutating func normal() -> Float {
        let u1 = max(Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0), 1e-300)
        let u2 = Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
        return Float((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
    }

    /// Uniform integer in 0..<n.
    public mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }

    /// A child generator for an independent stream (e.g. per batch index), deterministic in both.
    public func fork(_ stream: UInt64) -> RNG {
        var c = self
        let a = c.next()
        return RNG(seed: a ^ (stream &* 0xD1B5_4A32_D192_ED03))
    }

    /// Samples an index from unnormalised probabilities `p` (non-negative).
    public mutating func categorical(_ p: UnsafeBufferPointer<Float>) -> Int {
        var total: Float = 0
        for v in p { total += v }
        var u = uniform() * total
        for i in 0..<p.count {
            u -= p[i]
            if u < 0 { return i }
        }
        // Rounding: return the last index with positive mass.
        for i in stride(from: p.count - 1, through: 0, by: -1) where p[i] > 0 { return i }
        return p.count - 1
    }
}
