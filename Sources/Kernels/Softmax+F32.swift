/// Row-wise softmax of `scale·x` over `columns` floats per row, in place; rows are `stride` apart.
/// Subtracts the row maximum first, so large inputs do not overflow.
public func softmaxF32(rows: Int, columns: Int, x: UnsafeMutablePointer<Float>, stride: Int, scale: Float = 1) {
    guard columns > 0 else { return }
    for r in 0..<rows {
        let row = x + r * stride
        var maxV = SIMD8<Float>(repeating: -.infinity)
        var i = 0
        while i + 8 <= columns { maxV = maxF32x8(maxV, loadF32x8(row + i)); i += 8 }
        if i < columns { maxV = maxF32x8(maxV, loadF32x8(row + i, count: columns - i, fill: -.infinity)) }
        let top = horizontalMax(maxV) * scale
        var sumV = SIMD8<Float>()
        i = 0
        while i + 8 <= columns {
            var z = SIMD8<Float>(repeating: -top)
            z.addProduct(loadF32x8(row + i), SIMD8(repeating: scale))
            let e = expF32x8(z)
            storeF32x8(e, row + i)
            sumV += e
            i += 8
        }
        if i < columns {
            let n = columns - i
            var z = SIMD8<Float>(repeating: -top)
            z.addProduct(loadF32x8(row + i, count: n), SIMD8(repeating: scale))
            let e = expF32x8(z).replacing(with: 0, where: SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7) .>= Int32(n))
            storeF32x8(e, row + i, count: n)
            sumV += e
        }
        let inverse = SIMD8<Float>(repeating: 1 / horizontalSum(sumV))
        i = 0
        while i + 8 <= columns { storeF32x8(loadF32x8(row + i) * inverse, row + i); i += 8 }
        if i < columns { storeF32x8(loadF32x8(row + i, count: columns - i) * inverse, row + i, count: columns - i) }
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
