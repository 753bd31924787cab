/// Row-wise softmax of `scale·x` over `columns` floats per row, in place; rows are `stride` apart.
/// Subtracts the row maximum first, so large inputs do not overflow.
public func softmaxF32(rows: Int, columns: Int, x: UnsafeMutablePointer<Float>, stride: Int, scale: Float = 1) {
    guard columns > 0 else { return }
    let full = columns / 8 * 8, tail = columns - full
    // Rows of at least 8 with a ragged end finish with one vector ending at the last column, read
    // before the row is overwritten; lanes it shares with the last full vector are written twice
    // with the same value and counted once.
    let overlapping = columns >= 8 && tail > 0
    let fresh = SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7) .>= Int32(8 - tail)
    let scaleV = SIMD8<Float>(repeating: scale)
    for r in 0..<rows {
        let row = x + r * stride
        let last = overlapping ? loadF32x8(row + columns - 8) : loadF32x8(row + full, count: tail, fill: -.infinity)
        var maxV = tail > 0 ? last : SIMD8<Float>(repeating: -.infinity)
        var i = 0
        while i < full { maxV = maxF32x8(maxV, loadF32x8(row + i)); i &+= 8 }
        let shift = SIMD8<Float>(repeating: -horizontalMax(maxV) * scale)
        var sumV = SIMD8<Float>()
        i = 0
        while i < full {
            var z = shift
            z.addProduct(loadF32x8(row + i), scaleV)
            let e = expF32x8(z)
            storeF32x8(e, row + i)
            sumV += e
            i &+= 8
        }
        var lastExp = SIMD8<Float>()
        if tail > 0 {
            var z = shift
            z.addProduct(last, scaleV)
            lastExp = expF32x8(z)
            if overlapping {
                sumV += lastExp.replacing(with: 0, where: .!fresh)
            } else {
                lastExp = lastExp.replacing(with: 0, where: SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7) .>= Int32(tail))
                sumV += lastExp
            }
        }
        let inverse = SIMD8<Float>(repeating: 1 / horizontalSum(sumV))
        i = 0
        while i < full { storeF32x8(loadF32x8(row + i) * inverse, row + i); i &+= 8 }
        if overlapping {
            storeF32x8(lastExp * inverse, row + columns - 8)
        } else if tail > 0 {
            storeF32x8(lastExp * inverse, row + full, count: tail)
        }
    }
}

/// Scalar reference for `softmaxF32`, in Double.
public func softmaxF32Reference(rows: Int, columns: Int, x: UnsafeMutablePointer<Float>, stride: Int, scale: Float = 1) {
    for r in 0..<rows {
        let row = x + r * stride
        var top = -Double.infinity
        for i in 0..<columns { top = max(top, Double(row[i]) * Double(scale)) }
        var sum = 0.0
        for i in 0..<columns { sum += _expD(Double(row[i]) * Double(scale) - top) }
        for i in 0..<columns { row[i] = Float(_expD(Double(row[i]) * Double(scale) - top) / sum) }
    }
}
