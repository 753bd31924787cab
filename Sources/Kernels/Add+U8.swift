/// Elementwise add of two uint8 tensors with their own quantizations, requantized to a third:
/// `y = quantizeU8(Float(a − za) · sa + Float(b − zb) · sb)` under `(outputScale, outputZeroPoint)`
/// (e.g. a residual connection). Eight lanes at a time; equals `addU8Reference` bit for bit (the
/// same float operations in the same order).
public func addU8(count: Int, a: UnsafePointer<UInt8>, _ qa: (scale: Float, zeroPoint: Int32),
                  b: UnsafePointer<UInt8>, _ qb: (scale: Float, zeroPoint: Int32),
                  outputScale: Float, outputZeroPoint: Int32, y: UnsafeMutablePointer<UInt8>) {
    let sa = SIMD8<Float>(repeating: qa.scale), sb = SIMD8<Float>(repeating: qb.scale)
    let za = SIMD8<Int32>(repeating: qa.zeroPoint), zb = SIMD8<Int32>(repeating: qb.zeroPoint)
    let inverse = SIMD8<Float>(repeating: 1 / outputScale), zero = SIMD8<Float>(repeating: Float(outputZeroPoint))
    let rawA = UnsafeRawPointer(a), rawB = UnsafeRawPointer(b), rawY = UnsafeMutableRawPointer(y)
    var i = 0
    while i + 8 <= count {
        let x = widenedUInt8x8(rawA + i) &- za, z = widenedUInt8x8(rawB + i) &- zb
        let q = clampedToByteRange((floatLanes(x) * sa + floatLanes(z) * sb) * inverse + zero)
        let bits = unsafeBitCast(q + 12_582_912, to: SIMD8<Int32>.self) &- 0x4B40_0000
        rawY.storeBytes(of: lowBytes(bits), toByteOffset: i, as: SIMD8<UInt8>.self)
        i += 8
    }
    while i < count {
        y[i] = addU8(a[i], qa, b[i], qb, 1 / outputScale, outputZeroPoint)
        i += 1
    }
}

/// Scalar reference of `addU8`.
public func addU8Reference(count: Int, a: UnsafePointer<UInt8>, _ qa: (scale: Float, zeroPoint: Int32),
                           b: UnsafePointer<UInt8>, _ qb: (scale: Float, zeroPoint: Int32),
                           outputScale: Float, outputZeroPoint: Int32, y: UnsafeMutablePointer<UInt8>) {
    for i in 0..<count { y[i] = addU8(a[i], qa, b[i], qb, 1 / outputScale, outputZeroPoint) }
}

@inline(__always)
private func addU8(_ a: UInt8, _ qa: (scale: Float, zeroPoint: Int32), _ b: UInt8, _ qb: (scale: Float, zeroPoint: Int32),
                   _ outputInverseScale: Float, _ outputZeroPoint: Int32) -> UInt8 {
    let v = Float(Int32(a) - qa.zeroPoint) * qa.scale + Float(Int32(b) - qb.zeroPoint) * qb.scale
    return quantizeU8(v, inverseScale: outputInverseScale, zeroPoint: outputZeroPoint)
}

