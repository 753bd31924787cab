/// The int8 GEMM's uint8 epilogue, one channel per column: the FP32 value
/// `v = act(Float(acc[i·ldacc + j]) · scale[j] + bias[j])` quantized for the next layer,
/// `y[i·ldy + j] = clamp(roundHalfEven(v · outputInverseScale + outputZeroPoint), 0, 255)` (NaN to 0).
/// Performs exactly the float operations of `dequantizeColumnsF32` followed by `quantizeU8`, so
/// chaining int8 layers through uint8 gives the same bits as a round trip through FP32; a ReLU
/// here is the clamp at the output zero point. Equals `requantizeColumnsU8Reference` bit for bit.
public func requantizeColumnsU8(rows: Int, columns: Int, acc: UnsafePointer<Int32>, ldacc: Int,
                                scale: UnsafePointer<Float>, bias: UnsafePointer<Float>?, activation: ActivationF32,
                                outputInverseScale: Float, outputZeroPoint: Int32,
                                y: UnsafeMutablePointer<UInt8>, ldy: Int) {
    // One loop per nonlinearity: a switch inside the loop costs a jump and spills per vector.
    switch activation {
    case .none:
        requantizeRows(rows, columns, acc, ldacc, scale, bias, outputInverseScale, outputZeroPoint, y, ldy) { $0 }
    case .relu:
        requantizeRows(rows, columns, acc, ldacc, scale, bias, outputInverseScale, outputZeroPoint, y, ldy, reluF32x8)
    default:
        requantizeRows(rows, columns, acc, ldacc, scale, bias, outputInverseScale, outputZeroPoint, y, ldy) {
            activation.apply($0)
        }
    }
}

@inline(__always)
private func requantizeRows(_ rows: Int, _ columns: Int, _ acc: UnsafePointer<Int32>, _ ldacc: Int,
                            _ scale: UnsafePointer<Float>, _ bias: UnsafePointer<Float>?,
                            _ outputInverseScale: Float, _ outputZeroPoint: Int32,
                            _ y: UnsafeMutablePointer<UInt8>, _ ldy: Int,
                            _ activation: (SIMD8<Float>) -> SIMD8<Float>) {
    let rawScale = UnsafeRawPointer(scale), rawBias = bias.map(UnsafeRawPointer.init)
    let inverse = SIMD8<Float>(repeating: outputInverseScale), zero = SIMD8<Float>(repeating: Float(outputZeroPoint))
    for i in 0..<rows {
        let a = UnsafeRawPointer(acc + i * ldacc), out = UnsafeMutableRawPointer(y + i * ldy)
        var j = 0
        while j + 8 <= columns {
            let v = scaledColumns(a, scale: rawScale, bias: rawBias, at: j)
            let q = clampedToByteRange(activation(v) * inverse + zero)
            let bits = unsafeBitCast(q + 12_582_912, to: SIMD8<Int32>.self) &- 0x4B40_0000
            out.storeBytes(of: lowBytes(bits), toByteOffset: j, as: SIMD8<UInt8>.self)
            j += 8
        }
        while j < columns {
            var v = Float(acc[i * ldacc + j]) * scale[j]
            if let bias { v = v + bias[j] }
            y[i * ldy + j] = quantizeU8(activation(SIMD8<Float>(repeating: v))[0], inverseScale: outputInverseScale,
                                        zeroPoint: outputZeroPoint)
            j += 1
        }
    }
}

/// Scalar reference of `requantizeColumnsU8`.
public func requantizeColumnsU8Reference(rows: Int, columns: Int, acc: UnsafePointer<Int32>, ldacc: Int,
                                         scale: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                                         activation: ActivationF32, outputInverseScale: Float, outputZeroPoint: Int32,
                                         y: UnsafeMutablePointer<UInt8>, ldy: Int) {
    for i in 0..<rows {
        for j in 0..<columns {
            y[i * ldy + j] = requantize(acc[i * ldacc + j], scale: scale[j], bias: bias?[j], activation: activation,
                                        inverseScale: outputInverseScale, zeroPoint: outputZeroPoint)
        }
    }
}

@inline(__always)
private func requantize(_ acc: Int32, scale: Float, bias: Float?, activation: ActivationF32,
                        inverseScale: Float, zeroPoint: Int32) -> UInt8 {
    var v = Float(acc) * scale
    if let bias { v = v + bias }
    // The same vector function as the SIMD path, so nonlinearities agree bit for bit.
    return quantizeU8(activation.apply(SIMD8<Float>(repeating: v))[0], inverseScale: inverseScale, zeroPoint: zeroPoint)
}

/// `y[i] = Int16(x[i]) − zeroPoint`: uint8 activations in the centered form the int8 GEMM's
/// operands hold (see `quantizeCenteredS16`). Exact.
public func centerU8(count: Int, x: UnsafePointer<UInt8>, zeroPoint: Int32, y: UnsafeMutablePointer<Int16>) {
    let zero = SIMD16<Int16>(repeating: Int16(truncatingIfNeeded: zeroPoint))
    let rawX = UnsafeRawPointer(x), rawY = UnsafeMutableRawPointer(y)
    var i = 0
    while i + 16 <= count {
        let v = SIMD16<Int16>(truncatingIfNeeded: rawX.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)) &- zero
        rawY.storeBytes(of: v, toByteOffset: 2 * i, as: SIMD16<Int16>.self)
        i += 16
    }
    while i < count {
        y[i] = Int16(x[i]) &- Int16(truncatingIfNeeded: zeroPoint)
        i += 1
    }
}
