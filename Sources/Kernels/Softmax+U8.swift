/// Softmax over rows of uint8 activations (scale `s`), FP32 probabilities out. Within a row only
/// the distance `d = max − q` (0…255) matters, `e^{−d·s}`, so the exponentials come from a
/// 256-entry table built once per scale instead of one `exp` per element.
public struct SoftmaxTableU8: Sendable {
    public let scale: Float
    /// `exponentials[d] = e^{−d · scale}`.
    public let exponentials: [Float]

    public init(scale: Float) {
        self.scale = scale
        exponentials = (0..<256).map { softmaxExponential(distance: $0, scale: scale) }
    }
}

/// `y[i · ldy + j] = e^{(x_ij − max_i)·s} / Σ_j e^{(x_ij − max_i)·s}` for `rows` rows of `columns`
/// uint8 values. Equals `softmaxU8Reference` bit for bit (same exponentials, same summation order).
public func softmaxU8(rows: Int, columns: Int, x: UnsafePointer<UInt8>, ldx: Int, table: SoftmaxTableU8,
                      y: UnsafeMutablePointer<Float>, ldy: Int) {
    table.exponentials.withUnsafeBufferPointer { t in
        let exponentials = t.baseAddress!
        for i in 0..<rows {
            let row = x + i * ldx, out = y + i * ldy
            var largest: UInt8 = 0
            for j in 0..<columns { largest = max(largest, row[j]) }
            var sum: Float = 0
            for j in 0..<columns {
                let e = exponentials[Int(largest &- row[j])]
                out[j] = e
                sum += e
            }
            let inverse = 1 / sum
            for j in 0..<columns { out[j] *= inverse }
        }
    }
}

/// Scalar reference of `softmaxU8`: the exponential evaluated per element.
public func softmaxU8Reference(rows: Int, columns: Int, x: UnsafePointer<UInt8>, ldx: Int, scale: Float,
                               y: UnsafeMutablePointer<Float>, ldy: Int) {
    for i in 0..<rows {
        var largest: UInt8 = 0
        for j in 0..<columns { largest = max(largest, x[i * ldx + j]) }
        var sum: Float = 0
        for j in 0..<columns {
            y[i * ldy + j] = softmaxExponential(distance: Int(largest - x[i * ldx + j]), scale: scale)
            sum += y[i * ldy + j]
        }
        for j in 0..<columns { y[i * ldy + j] *= 1 / sum }
    }
}

/// `e^{−distance · scale}` through the engine's vectorized exponential.
@inline(__always)
private func softmaxExponential(distance: Int, scale: Float) -> Float {
    expF32x8(SIMD8<Float>(repeating: -Float(distance) * scale))[0]
}
