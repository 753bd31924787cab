/// The numerators of `softmaxF32` and the inverse of each row's denominator:
/// `x[r][j] = e^(scale·(x[r][j] − max_r))` in place and `inverseSums[r] = 1 / Σ_j x[r][j]`, so
/// `x[r][j] · inverseSums[r]` is the softmax. For a caller that multiplies the rows by something
/// anyway (attention's P·V): scaling the product's rows instead of P saves a pass over P.
///
/// Rows go in chunks: every row's maximum first, then every row's exponentials and sum, so the
/// rows' dependency chains (maximum → exponentials → sum → division) overlap instead of waiting
/// for each other. Same exponential as `softmaxF32` (`exp2AtMost127F32x8`).
public func softmaxNumeratorsF32(rows: Int, columns: Int, x: UnsafeMutablePointer<Float>, stride: Int,
                                 scale: Float, inverseSums: UnsafeMutablePointer<Float>) {
    guard columns > 0 else { return }
    let shape = SoftmaxRowShape(columns: columns, scale: scale)
    var r = 0
    while r < rows {
        let count = min(softmaxNumeratorsChunk, rows - r)
        softmaxNumeratorsChunkF32(rows: count, x: x + r * stride, stride: stride, shape: shape,
                                  inverseSums: inverseSums + r)
        r += count
    }
}

/// Rows per chunk: 32 rows of 49 columns are 6 KB, well inside L1 between the two passes.
private let softmaxNumeratorsChunk = 32

@inline(never)
private func softmaxNumeratorsChunkF32(rows: Int, x: UnsafeMutablePointer<Float>, stride: Int,
                                       shape s: SoftmaxRowShape, inverseSums: UnsafeMutablePointer<Float>) {
    // inverseSums holds each row's shift −max·scale·log2(e) until its sum replaces it.
    for r in 0..<rows {
        let row = x + r * stride
        var maxV = s.tail > 0 ? s.last(row) : SIMD8<Float>(repeating: -.infinity)
        var i = 0
        while i < s.full { maxV = maxF32x8(maxV, loadF32x8(row + i)); i &+= 8 }
        inverseSums[r] = s.shift(maxV)[0]
    }
    for r in 0..<rows {
        let row = x + r * stride
        let shift = SIMD8<Float>(repeating: inverseSums[r])
        let last = s.last(row)
        var sumV = SIMD8<Float>()
        var i = 0
        while i < s.full {
            let e = s.exponential(loadF32x8(row + i), shift)
            storeF32x8(e, row + i)
            sumV += e
            i &+= 8
        }
        if s.tail > 0 {
            let (stored, counted) = s.lastExponentials(last, shift)
            s.storeLast(stored, row)
            sumV += counted
        }
        inverseSums[r] = 1 / horizontalSum(sumV)
    }
}

/// `x[r][0..<columns] *= factors[r]` for each row (rows `stride` apart).
public func scaleRowsF32(rows: Int, columns: Int, x: UnsafeMutablePointer<Float>, stride: Int,
                         factors: UnsafePointer<Float>) {
    let full = columns & ~7
    for r in 0..<rows {
        let row = x + r * stride, factor = SIMD8<Float>(repeating: factors[r])
        var i = 0
        while i < full { storeF32x8(loadF32x8(row + i) * factor, row + i); i &+= 8 }
        if full < columns { storeF32x8(loadF32x8(row + full, count: columns - full) * factor, row + full, count: columns - full) }
    }
}
