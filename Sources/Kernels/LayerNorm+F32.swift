/// Layer normalization over each row of `columns` floats: `(x − mean)/√(var + eps)·γ + β`, biased
/// variance (two passes). `x` and `y` may alias.
public func layerNormF32(rows: Int, columns: Int, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>,
                         gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, eps: Float) {
    guard columns > 0 else { return }
    let shape = LayerNormRowShape(columns: columns, eps: eps)
    // A row's mean, variance and scale are one dependency chain; four rows at a time overlap
    // theirs. Each row's operations are those of the one-row path, so the grouping changes no bit.
    var r = 0
    while r + 4 <= rows {
        let s0 = x + r * columns, s1 = s0 + columns, s2 = s1 + columns, s3 = s2 + columns
        var m0 = shape.sum(s0), m1 = shape.sum(s1), m2 = shape.sum(s2), m3 = shape.sum(s3)
        var i = 0
        while i < shape.full {
            m0 += loadF32x8(s0 + i); m1 += loadF32x8(s1 + i); m2 += loadF32x8(s2 + i); m3 += loadF32x8(s3 + i)
            i &+= 8
        }
        let mean0 = shape.mean(m0), mean1 = shape.mean(m1), mean2 = shape.mean(m2), mean3 = shape.mean(m3)
        var q0 = shape.squares(s0, mean0), q1 = shape.squares(s1, mean1)
        var q2 = shape.squares(s2, mean2), q3 = shape.squares(s3, mean3)
        i = 0
        while i < shape.full {
            let d0 = loadF32x8(s0 + i) - mean0, d1 = loadF32x8(s1 + i) - mean1
            let d2 = loadF32x8(s2 + i) - mean2, d3 = loadF32x8(s3 + i) - mean3
            q0.addProduct(d0, d0); q1.addProduct(d1, d1); q2.addProduct(d2, d2); q3.addProduct(d3, d3)
            i &+= 8
        }
        let d = y + r * columns
        shape.normalize(s0, d, mean: mean0, squares: q0, gamma: gamma, beta: beta)
        shape.normalize(s1, d + columns, mean: mean1, squares: q1, gamma: gamma, beta: beta)
        shape.normalize(s2, d + 2 * columns, mean: mean2, squares: q2, gamma: gamma, beta: beta)
        shape.normalize(s3, d + 3 * columns, mean: mean3, squares: q3, gamma: gamma, beta: beta)
        r += 4
    }
    while r < rows {
        let src = x + r * columns
        var sumV = shape.sum(src)
        var i = 0
        while i < shape.full { sumV += loadF32x8(src + i); i &+= 8 }
        let mean = shape.mean(sumV)
        var squares = shape.squares(src, mean)
        i = 0
        while i < shape.full {
            let d = loadF32x8(src + i) - mean
            squares.addProduct(d, d)
            i &+= 8
        }
        shape.normalize(src, y + r * columns, mean: mean, squares: squares, gamma: gamma, beta: beta)
        r += 1
    }
}

/// What every row of one `layerNormF32` call shares, and the per-row steps around the
/// whole-vector loops. Index arithmetic wraps: the overflow checks of `i + 8` cost as much as the
/// loop bodies.
struct LayerNormRowShape {
    let columns: Int, full: Int, tail: Int
    let inverseCount: Float, eps: Float

    init(columns: Int, eps: Float) {
        self.columns = columns
        full = columns & ~7
        tail = columns &- full
        inverseCount = 1 / Float(columns)
        self.eps = eps
    }

    /// The partial sum of the ragged end (the whole-vector loop adds the rest).
    @inline(__always)
    func sum(_ src: UnsafePointer<Float>) -> SIMD8<Float> {
        tail > 0 ? loadF32x8(src + full, count: tail) : SIMD8<Float>()
    }

    @inline(__always)
    func mean(_ sum: SIMD8<Float>) -> SIMD8<Float> { SIMD8(repeating: horizontalSum(sum) * inverseCount) }

    /// The squared deviations of the ragged end.
    @inline(__always)
    func squares(_ src: UnsafePointer<Float>, _ mean: SIMD8<Float>) -> SIMD8<Float> {
        var squares = SIMD8<Float>()
        if tail > 0 {
            let d = (loadF32x8(src + full, count: tail) - mean)
                .replacing(with: 0, where: SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7) .>= Int32(tail))
            squares.addProduct(d, d)
        }
        return squares
    }

    /// `dst = (src − mean)/√(variance + eps)·γ + β`.
    @inline(__always)
    func normalize(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, mean: SIMD8<Float>,
                   squares: SIMD8<Float>, gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>) {
        let inverseDeviation = SIMD8<Float>(repeating: 1 / (horizontalSum(squares) * inverseCount + eps).squareRoot())
        var i = 0
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
