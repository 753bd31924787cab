/// Quantizes floats to unsigned 8-bit: `y = clamp(roundHalfEven(x · inverseScale + zeroPoint), 0, 255)`,
/// NaN to 0. Equals `quantizeU8Reference` bit for bit (same float operations in the same order;
/// the rounding uses the 1.5·2²³ trick, exact for the clamped range).
public func quantizeU8(count: Int, x: UnsafePointer<Float>, inverseScale: Float, zeroPoint: Int32,
                       y: UnsafeMutablePointer<UInt8>) {
    let inverse = SIMD8<Float>(repeating: inverseScale), zero = SIMD8<Float>(repeating: Float(zeroPoint))
    let rawX = UnsafeRawPointer(x), rawY = UnsafeMutableRawPointer(y)
    var i = 0
    while i + 8 <= count {
        let v = clampedToByteRange(rawX.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self) * inverse + zero)
        let bits = unsafeBitCast(v + 12_582_912, to: SIMD8<Int32>.self) &- 0x4B40_0000
        rawY.storeBytes(of: lowBytes(bits), toByteOffset: i, as: SIMD8<UInt8>.self)
        i += 8
    }
    while i < count {
        y[i] = quantizeU8(x[i], inverseScale: inverseScale, zeroPoint: zeroPoint)
        i += 1
    }
}

/// Scalar reference of `quantizeU8(count:x:inverseScale:zeroPoint:y:)`.
public func quantizeU8Reference(count: Int, x: UnsafePointer<Float>, inverseScale: Float, zeroPoint: Int32,
                                y: UnsafeMutablePointer<UInt8>) {
    for i in 0..<count { y[i] = quantizeU8(x[i], inverseScale: inverseScale, zeroPoint: zeroPoint) }
}

@inline(__always)
func quantizeU8(_ x: Float, inverseScale: Float, zeroPoint: Int32) -> UInt8 {
    let v = x * inverseScale + Float(zeroPoint)
    let clamped: Float = v >= 0 ? min(v, 255) : 0
    return UInt8(clamped.rounded(.toNearestOrEven))
}

/// Quantizes like `quantizeU8` and stores `q − zeroPoint` as Int16: the form the int8 GEMM's
/// operands hold, so im2col can copy values without converting them again.
public func quantizeCenteredS16(count: Int, x: UnsafePointer<Float>, inverseScale: Float, zeroPoint: Int32,
                                y: UnsafeMutablePointer<Int16>) {
    let inverse = SIMD8<Float>(repeating: inverseScale), zero = SIMD8<Float>(repeating: Float(zeroPoint))
    let rawX = UnsafeRawPointer(x), rawY = UnsafeMutableRawPointer(y)
    let bias = SIMD8<Int32>(repeating: 0x4B40_0000 &+ zeroPoint)
    var i = 0
    while i + 8 <= count {
        let v = clampedToByteRange(rawX.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self) * inverse + zero)
        let centered = unsafeBitCast(v + 12_582_912, to: SIMD8<Int32>.self) &- bias
        rawY.storeBytes(of: lowHalves(centered), toByteOffset: 2 * i, as: SIMD8<Int16>.self)
        i += 8
    }
    while i < count {
        y[i] = Int16(quantizeU8(x[i], inverseScale: inverseScale, zeroPoint: zeroPoint)) &- Int16(zeroPoint)
        i += 1
    }
}
