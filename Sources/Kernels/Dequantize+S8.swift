/// The int8 GEMM's FP32 epilogue, one channel per column:
/// `y[i·ldy + j] = act(Float(acc[i·ldacc + j]) · scale[j] + bias[j] (+ y[i·ldy + j] if accumulate))`,
/// where `scale[j]` is input scale × weight scale of channel j. Equals
/// `dequantizeColumnsF32Reference` bit for bit.
public func dequantizeColumnsF32(rows: Int, columns: Int, acc: UnsafePointer<Int32>, ldacc: Int,
                                 scale: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                                 activation: ActivationF32, accumulate: Bool,
                                 y: UnsafeMutablePointer<Float>, ldy: Int) {
    let rawScale = UnsafeRawPointer(scale), rawBias = bias.map(UnsafeRawPointer.init)
    for i in 0..<rows {
        let a = UnsafeRawPointer(acc + i * ldacc), out = UnsafeMutableRawPointer(y + i * ldy)
        var j = 0
        while j + 8 <= columns {
            var v = scaledColumns(a, scale: rawScale, bias: rawBias, at: j)
            if accumulate { v = out.loadUnaligned(fromByteOffset: 4 * j, as: SIMD8<Float>.self) + v }
            out.storeBytes(of: activation.apply(v), toByteOffset: 4 * j, as: SIMD8<Float>.self)
            j += 8
        }
        while j < columns {
            y[i * ldy + j] = dequantize(acc[i * ldacc + j], scale: scale[j], bias: bias?[j], activation: activation,
                                        previous: accumulate ? y[i * ldy + j] : nil)
            j += 1
        }
    }
}

/// Scalar reference of `dequantizeColumnsF32`.
public func dequantizeColumnsF32Reference(rows: Int, columns: Int, acc: UnsafePointer<Int32>, ldacc: Int,
                                          scale: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                                          activation: ActivationF32, accumulate: Bool,
                                          y: UnsafeMutablePointer<Float>, ldy: Int) {
    for i in 0..<rows {
        for j in 0..<columns {
            y[i * ldy + j] = dequantize(acc[i * ldacc + j], scale: scale[j], bias: bias?[j], activation: activation,
                                        previous: accumulate ? y[i * ldy + j] : nil)
        }
    }
}

@inline(__always)
private func dequantize(_ acc: Int32, scale: Float, bias: Float?, activation: ActivationF32, previous: Float?) -> Float {
    var v = Float(acc) * scale
    if let bias { v = v + bias }
    if let previous { v = previous + v }
    // The same vector function as the SIMD path, so nonlinearities agree bit for bit.
    return activation.apply(SIMD8<Float>(repeating: v))[0]
}
