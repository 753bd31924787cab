/// Layer normalization over each row of `columns` floats: `(x − mean)/√(var + eps)·γ + β`, biased
/// variance. `x` and `y` may alias.
///
/// One pass for the statistics: the sums of d = x − x₀ and d² (x₀ the row's first value), then
/// mean = x₀ + Σd/n and var = Σd²/n − (Σd/n)². Shifting by a value of the row bounds the
/// cancellation: (x₀ − mean)² ≤ n·var, so Σd²/n is at most (n + 1)·var and the variance keeps all
/// but log2(n + 1) of its bits (a two-pass variance needs the mean before its second pass: one
/// more dependent pass per row).
public func layerNormF32(rows: Int, columns: Int, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>,
                         gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, eps: Float) {
    guard columns > 0 else { return }
    let shape = LayerNormRowShape(columns: columns, eps: eps)
    // A row's sums, statistics and normalization are one dependency chain; four rows at a time
    // overlap theirs. Each row's operations are those of the one-row path, so the grouping
    // changes no bit.
    var r = 0
    while r + 4 <= rows {
        let s0 = x + r * columns, s1 = s0 + columns, s2 = s1 + columns, s3 = s2 + columns
        let k0 = s0[0], k1 = s1[0], k2 = s2[0], k3 = s3[0]
        let h0 = SIMD8<Float>(repeating: k0), h1 = SIMD8<Float>(repeating: k1)
        let h2 = SIMD8<Float>(repeating: k2), h3 = SIMD8<Float>(repeating: k3)
        var (a0, q0) = shape.tailSums(s0, shift: k0), (a1, q1) = shape.tailSums(s1, shift: k1)
        var (a2, q2) = shape.tailSums(s2, shift: k2), (a3, q3) = shape.tailSums(s3, shift: k3)
        var i = 0
        while i < shape.full {
            let d0 = loadF32x8(s0 + i) - h0, d1 = loadF32x8(s1 + i) - h1
            let d2 = loadF32x8(s2 + i) - h2, d3 = loadF32x8(s3 + i) - h3
            a0 += d0; a1 += d1; a2 += d2; a3 += d3
            q0.addProduct(d0, d0); q1.addProduct(d1, d1); q2.addProduct(d2, d2); q3.addProduct(d3, d3)
            i &+= 8
        }
        let t0 = shape.statistics(a0, q0, shift: k0), t1 = shape.statistics(a1, q1, shift: k1)
        let t2 = shape.statistics(a2, q2, shift: k2), t3 = shape.statistics(a3, q3, shift: k3)
        let d = y + r * columns
        shape.normalize(s0, d, t0, gamma: gamma, beta: beta)
        shape.normalize(s1, d + columns, t1, gamma: gamma, beta: beta)
        shape.normalize(s2, d + 2 * columns, t2, gamma: gamma, beta: beta)
        shape.normalize(s3, d + 3 * columns, t3, gamma: gamma, beta: beta)
        r += 4
    }
    while r < rows {
        let src = x + r * columns, k = src[0], h = SIMD8<Float>(repeating: k)
        var (a, q) = shape.tailSums(src, shift: k)
        var i = 0
        while i < shape.full {
            let d = loadF32x8(src + i) - h
            a += d
            q.addProduct(d, d)
            i &+= 8
        }
        shape.normalize(src, y + r * columns, shape.statistics(a, q, shift: k), gamma: gamma, beta: beta)
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

    /// The sums of d and d² over the ragged end (the whole-vector loop adds the rest); lanes past
    /// the row are filled with the shift, so their d is 0.
    @inline(__always)
    func tailSums(_ src: UnsafePointer<Float>, shift: Float) -> (SIMD8<Float>, SIMD8<Float>) {
        guard tail > 0 else { return (SIMD8<Float>(), SIMD8<Float>()) }
        let d = loadF32x8(src + full, count: tail, fill: shift) - SIMD8<Float>(repeating: shift)
        return (d, d * d)
    }

    /// The row's mean and 1/√(var + eps), from the sums of d = x − shift and d².
    @inline(__always)
    func statistics(_ sums: SIMD8<Float>, _ squares: SIMD8<Float>, shift: Float) -> (mean: SIMD8<Float>, inverseDeviation: SIMD8<Float>) {
        let offset = horizontalSum(sums) * inverseCount
        var variance = horizontalSum(squares) * inverseCount
        variance.addProduct(-offset, offset)
        let inverseDeviation = 1 / (Swift.max(variance, 0) + eps).squareRoot()
        return (SIMD8(repeating: shift + offset), SIMD8(repeating: inverseDeviation))
    }

    /// `dst = (src − mean)/√(variance + eps)·γ + β`.
    @inline(__always)
    func normalize(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>,
                   _ statistics: (mean: SIMD8<Float>, inverseDeviation: SIMD8<Float>),
                   gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>) {
        let (mean, inverseDeviation) = statistics
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
