import Foundation

/// Vectorisable kernels for the elementwise hot spots. Each has a plain scalar twin in the tests.
public enum FastMath {
    static let geluC: Float = 0.7978845608028654  // sqrt(2/pi)
    static let geluA: Float = 0.044715

    /// exp(x) for Float, vectorised: x = n ln2 + r, |r| <= ln2/2, exp(r) by a degree-6 polynomial,
    /// 2^n by exponent bits. Relative error below 2e-7 on [-87, 88]; clamps outside.
    @inline(__always)
    public static func exp8(_ x: SIMD8<Float>) -> SIMD8<Float> {
        let lo = SIMD8<Float>(repeating: -87.3), hi = SIMD8<Float>(repeating: 88.3)
        let xc = x.replacing(with: lo, where: x .< lo).replacing(with: hi, where: x .> hi)
        // Round x/ln2 to the nearest integer with the 1.5 * 2^23 trick (vectorises everywhere).
        let magic = SIMD8<Float>(repeating: 12_582_912)
        let t = xc * 1.4426950408889634 + magic
        let n = t - magic
        let r = xc - n * 0.693145751953125 - n * 1.428606765330187e-06
        var p = SIMD8<Float>(repeating: 1.0 / 720)
        p = p * r + 1.0 / 120
        p = p * r + 1.0 / 24
        p = p * r + 1.0 / 6
        p = p * r + 0.5
        p = p * r + 1
        p = p * r + 1
        let ni = unsafeBitCast(t, to: SIMD8<Int32>.self) &- 0x4B40_0000
        let scale = unsafeBitCast((ni &+ 127) &<< 23, to: SIMD8<Float>.self)
        // Below the clamp (including -inf, the masked entries) the result is exactly 0.
        return (p * scale).replacing(with: 0, where: x .< -87.3)
    }

    /// tanh(u) = 1 - 2 / (exp(2u) + 1), vectorised; exact at the saturated ends.
    @inline(__always)
    public static func tanh8(_ u: SIMD8<Float>) -> SIMD8<Float> {
        let e = exp8(2 * u)
        return 1 - 2 / (e + 1)
    }

    /// y = gelu(x), t = tanh(u(x)), elementwise over equal-length buffers.
    public static func geluForward(_ x: UnsafeBufferPointer<Float>, _ y: UnsafeMutableBufferPointer<Float>,
                                   _ t: UnsafeMutableBufferPointer<Float>) {
        let n = x.count
        var i = 0
        let xp = x.baseAddress!, yp = y.baseAddress!, tp = t.baseAddress!
        while i + 8 <= n {
            let v = UnsafeRawPointer(xp + i).loadUnaligned(as: SIMD8<Float>.self)
            let u = geluC * (v + geluA * v * v * v)
            let th = tanh8(u)
            UnsafeMutableRawPointer(tp + i).storeBytes(of: th, as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(yp + i).storeBytes(of: 0.5 * v * (1 + th), as: SIMD8<Float>.self)
            i += 8
        }
        while i < n {
            let v = x[i]
            let th = Foundation.tanh(geluC * (v + geluA * v * v * v))
            t[i] = th
            y[i] = 0.5 * v * (1 + th)
            i += 1
        }
    }

    /// gx += g * gelu'(x), given t = tanh(u(x)). With `fresh`, gx holds no values yet and is written
    /// as 0 + g * gelu'(x): the bits of zero-filling it first, without the extra pass.
    public static func geluBackward(_ x: UnsafeBufferPointer<Float>, _ t: UnsafeBufferPointer<Float>,
                                    _ g: UnsafeBufferPointer<Float>, _ gx: UnsafeMutableBufferPointer<Float>,
                                    fresh: Bool = false) {
        guard x.count > 0 else { return }
        let xp = x.baseAddress!, tp = t.baseAddress!, gp = g.baseAddress!, gxp = gx.baseAddress!
        let n = x.count
        var i = 0
        // Sixteen lanes at a time, each lane the same operations as the scalar loop below.
        @inline(__always) func ld(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
            UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
        }
        while i + 16 <= n {
            let v = ld(xp + i), th = ld(tp + i)
            let du = geluC * (1 + 3 * geluA * v * v)
            let d = ld(gp + i) * (0.5 * (1 + th) + 0.5 * v * (1 - th * th) * du)
            let old = fresh ? SIMD16<Float>(repeating: 0) : ld(UnsafePointer(gxp + i))
            UnsafeMutableRawPointer(gxp + i).storeBytes(of: old + d, as: SIMD16<Float>.self)
            i += 16
        }
        while i < n {
            let v = xp[i], th = tp[i]
            let du = geluC * (1 + 3 * geluA * v * v)
            let d = gp[i] * (0.5 * (1 + th) + 0.5 * v * (1 - th * th) * du)
            gxp[i] = (fresh ? 0 : gxp[i]) + d
            i += 1
        }
    }

    /// y[i] = exp(x[i] - shift) over a buffer; returns the sum of y.
    @inline(__always)
    public static func expShiftSum(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int,
                                   shift: Float) -> Float {
        var acc = SIMD8<Float>(repeating: 0)
        var i = 0
        let s = SIMD8<Float>(repeating: shift)
        while i + 8 <= n {
            let v = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
            let e = exp8(v - s)
            UnsafeMutableRawPointer(y + i).storeBytes(of: e, as: SIMD8<Float>.self)
            acc += e
            i += 8
        }
        var total = acc.sum()
        while i < n { let e = Foundation.exp(x[i] - shift); y[i] = e; total += e; i += 1 }
        return total
    }
}
