/// A nonlinearity on uint8 activations as a 256-entry table: entry `q` is
/// `quantizeU8(f((q − inputZeroPoint) · inputScale))` under the output parameters, with `f` one of
/// the vectorized FP32 activations (sigmoid, tanh, GELU, ReLU, ...). Exact by construction:
/// applying the table equals evaluating `f` per element (`applyActivationU8Reference`).
public struct ActivationTableU8: Sendable {
    public let entries: [UInt8]

    public init(activation: ActivationF32, inputScale: Float, inputZeroPoint: Int32,
                outputScale: Float, outputZeroPoint: Int32) {
        entries = (0..<256).map { q in
            activationU8(UInt8(q), activation, inputScale, inputZeroPoint, 1 / outputScale, outputZeroPoint)
        }
    }
}

/// `y[i] = table.entries[x[i]]`, four lookups per iteration. `x` and `y` may be the same buffer.
public func applyActivationU8(count: Int, x: UnsafePointer<UInt8>, table: ActivationTableU8,
                              y: UnsafeMutablePointer<UInt8>) {
    table.entries.withUnsafeBufferPointer { t in
        let lookup = t.baseAddress!
        var i = 0
        while i + 4 <= count {
            let a = lookup[Int(x[i])], b = lookup[Int(x[i + 1])], c = lookup[Int(x[i + 2])], d = lookup[Int(x[i + 3])]
            y[i] = a; y[i + 1] = b; y[i + 2] = c; y[i + 3] = d
            i += 4
        }
        while i < count {
            y[i] = lookup[Int(x[i])]
            i += 1
        }
    }
}

/// Scalar reference of `applyActivationU8`: dequantize, apply the activation, quantize, per element.
public func applyActivationU8Reference(count: Int, x: UnsafePointer<UInt8>, activation: ActivationF32,
                                       inputScale: Float, inputZeroPoint: Int32, outputScale: Float,
                                       outputZeroPoint: Int32, y: UnsafeMutablePointer<UInt8>) {
    for i in 0..<count {
        y[i] = activationU8(x[i], activation, inputScale, inputZeroPoint, 1 / outputScale, outputZeroPoint)
    }
}

@inline(__always)
private func activationU8(_ q: UInt8, _ activation: ActivationF32, _ inputScale: Float, _ inputZeroPoint: Int32,
                          _ outputInverseScale: Float, _ outputZeroPoint: Int32) -> UInt8 {
    let x = Float(Int32(q) - inputZeroPoint) * inputScale
    return quantizeU8(activation.apply(SIMD8<Float>(repeating: x))[0], inverseScale: outputInverseScale,
                      zeroPoint: outputZeroPoint)
}
