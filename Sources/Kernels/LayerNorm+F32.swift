/// Layer normalization over each row of `columns` floats: `(x − mean)/√(var + eps)·γ + β`, biased
/// variance (two passes). `x` and `y` may alias.
public func layerNormF32(rows: Int, columns: Int, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>,
                         gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, eps: Float) {
    guard columns > 0 else { return }
    let inverseCount = 1 / Float(columns)
    // Wrapping index arithmetic: the overflow checks of `i + 8` cost as much as the loop bodies.
    let full = columns & ~7, tail = columns &- full
    for r in 0..<rows {
        let src = x + r * columns, dst = y + r * columns
        var sumV = SIMD8<Float>()
        var i = 0
        while i < full { sumV += loadF32x8(src + i); i &+= 8 }
        if tail > 0 { sumV += loadF32x8(src + full, count: tail) }
        let mean = horizontalSum(sumV) * inverseCount
        var squares = SIMD8<Float>()
        i = 0
        while i < full {
            let d = loadF32x8(src + i) - mean
            squares.addProduct(d, d)
            i &+= 8
        }
        if tail > 0 {
            let d = (loadF32x8(src + full, count: tail) - mean)
                .replacing(with: 0, where: SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7) .>= Int32(tail))
            squares.addProduct(d, d)
        }
        let inverseDeviation = 1 / (horizontalSum(squares) * inverseCount + eps).squareRoot()
        i = 0
        while i < full {
            var out = loadF32x8(beta + i)
            out.addProduct((loadF32x8(src + i) - mean) * inverseDeviation, loadF32x8(gamma + i))
            storeF32x8(out, dst + i)
            i &+= 8
        }
        if tail > 0 {
            var out = loadF32x8(beta + full, count: tail)
            out.addProduct((loadF32x8(src + full, count: tail) - mean) * inverseDeviation, loadF32x8(gamma + full, count: tail))
            storeF32x8(out, dst + full, count: tail)
        }
    }
}

/// Scalar reference for `layerNormF32`, in Double.
public func layerNormF32Reference(rows: Int, columns: Int, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>,
                                  gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, eps: Float) {
    for r in 0..<rows {
        let src = x + r * columns, dst = y + r * columns
        var mean = 0.0
        for i in 0..<columns { mean += Double(src[i]) }
        mean /= Double(columns)
        var variance = 0.0
        for i in 0..<columns { variance += (Double(src[i]) - mean) * (Double(src[i]) - mean) }
        variance /= Double(columns)
        let inverse = 1 / (variance + Double(eps)).squareRoot()
        for i in 0..<columns { dst[i] = Float((Double(src[i]) - mean) * inverse * Double(gamma[i]) + Double(beta[i])) }
    }
}
