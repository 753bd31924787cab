/// One attention head over `tokens` rows: `probabilities = softmax(scale · q kᵀ)` (`[tokens][tokens]`,
/// row-major) and `context = probabilities · v` (`tokens` rows of `headWidth`, row stride `contextStride`).
/// `q`, `k`, `v` are `tokens` rows of `headWidth` floats with row stride `stride` (a head's columns of
/// the `[T, D]` projections). Small heads (d = 16) waste a packed GEMM's per-call packing, so this
/// kernel runs 6x16 tiles straight from q and the probabilities; only kᵀ and v are copied, once per
/// call, into `scratch` (`attentionHeadF32ScratchSize` floats), zero-padded to 16 columns.
public func attentionHeadF32(tokens: Int, headWidth: Int, q: UnsafePointer<Float>, k: UnsafePointer<Float>,
                             v: UnsafePointer<Float>, stride: Int, scale: Float,
                             probabilities: UnsafeMutablePointer<Float>,
                             context: UnsafeMutablePointer<Float>, contextStride: Int,
                             scratch: UnsafeMutablePointer<Float>) {
    let keyColumns = roundUp16(tokens), valueColumns = roundUp16(headWidth)
    let keysT = scratch, values = scratch + headWidth * keyColumns
    for d in 0..<headWidth {
        let row = keysT + d * keyColumns
        for j in 0..<tokens { row[j] = k[j * stride + d] }
        for j in tokens..<keyColumns { row[j] = 0 }
    }
    for j in 0..<tokens {
        let row = values + j * valueColumns
        row.update(from: v + j * stride, count: headWidth)
        for c in headWidth..<valueColumns { row[c] = 0 }
    }
    var i = 0
    while i < tokens {
        let rows = min(6, tokens - i)
        var j = 0
        while j < tokens {
            tileF32_6x16(k: headWidth, a: q + i * stride, lda: stride, rows: rows, b: keysT + j, ldb: keyColumns,
                         c: probabilities + i * tokens + j, ldc: tokens, columns: tokens - j)
            j += 16
        }
        i += 6
    }
    softmaxF32(rows: tokens, columns: tokens, x: probabilities, stride: tokens, scale: scale)
    i = 0
    while i < tokens {
        let rows = min(6, tokens - i)
        var c = 0
        while c < headWidth {
            tileF32_6x16(k: tokens, a: probabilities + i * tokens, lda: tokens, rows: rows, b: values + c,
                         ldb: valueColumns, c: context + i * contextStride + c, ldc: contextStride,
                         columns: headWidth - c)
            c += 16
        }
        i += 6
    }
}

/// Floats of `scratch` that `attentionHeadF32` needs.
public func attentionHeadF32ScratchSize(tokens: Int, headWidth: Int) -> Int {
    headWidth * roundUp16(tokens) + tokens * roundUp16(headWidth)
}

@inline(__always)
private func roundUp16(_ n: Int) -> Int { (n + 15) & ~15 }

/// `c[r][0..<columns] = Σ_p a[r][p] · b[p][0..<16]` for the first `rows` (≤ 6) rows: A read in place
/// (rows `lda` apart, a tail tile repeats its last row), B rows `ldb` apart with 16 readable floats each.
@inline(__always)
private func tileF32_6x16(k: Int, a: UnsafePointer<Float>, lda: Int, rows: Int, b: UnsafePointer<Float>, ldb: Int,
                          c: UnsafeMutablePointer<Float>, ldc: Int, columns: Int) {
    let a0 = a, a1 = a + min(1, rows - 1) * lda, a2 = a + min(2, rows - 1) * lda
    let a3 = a + min(3, rows - 1) * lda, a4 = a + min(4, rows - 1) * lda, a5 = a + min(5, rows - 1) * lda
    var c00 = SIMD8<Float>(), c01 = SIMD8<Float>(), c10 = SIMD8<Float>(), c11 = SIMD8<Float>()
    var c20 = SIMD8<Float>(), c21 = SIMD8<Float>(), c30 = SIMD8<Float>(), c31 = SIMD8<Float>()
    var c40 = SIMD8<Float>(), c41 = SIMD8<Float>(), c50 = SIMD8<Float>(), c51 = SIMD8<Float>()
    var bp = b
    for p in 0..<k {
        let b0 = loadF32x8(bp), b1 = loadF32x8(bp + 8)
        var s = SIMD8<Float>(repeating: a0[p])
        c00.addProduct(s, b0); c01.addProduct(s, b1)
        s = SIMD8<Float>(repeating: a1[p])
        c10.addProduct(s, b0); c11.addProduct(s, b1)
        s = SIMD8<Float>(repeating: a2[p])
        c20.addProduct(s, b0); c21.addProduct(s, b1)
        s = SIMD8<Float>(repeating: a3[p])
        c30.addProduct(s, b0); c31.addProduct(s, b1)
        s = SIMD8<Float>(repeating: a4[p])
        c40.addProduct(s, b0); c41.addProduct(s, b1)
        s = SIMD8<Float>(repeating: a5[p])
        c50.addProduct(s, b0); c51.addProduct(s, b1)
        bp += ldb
    }
    storeRowF32x16(c00, c01, c, columns: columns)
    if rows > 1 { storeRowF32x16(c10, c11, c + ldc, columns: columns) }
    if rows > 2 { storeRowF32x16(c20, c21, c + 2 * ldc, columns: columns) }
    if rows > 3 { storeRowF32x16(c30, c31, c + 3 * ldc, columns: columns) }
    if rows > 4 { storeRowF32x16(c40, c41, c + 4 * ldc, columns: columns) }
    if rows > 5 { storeRowF32x16(c50, c51, c + 5 * ldc, columns: columns) }
}

@inline(__always)
private func storeRowF32x16(_ lo: SIMD8<Float>, _ hi: SIMD8<Float>, _ c: UnsafeMutablePointer<Float>, columns: Int) {
    if columns >= 16 {
        storeF32x8(lo, c); storeF32x8(hi, c + 8)
    } else {
        storeF32x8(lo, c, count: columns)
        storeF32x8(hi, c + 8, count: columns - 8)
    }
}

/// Scalar reference for `attentionHeadF32` (same layouts, no scratch).
public func attentionHeadF32Reference(tokens: Int, headWidth: Int, q: UnsafePointer<Float>, k: UnsafePointer<Float>,
                                      v: UnsafePointer<Float>, stride: Int, scale: Float,
                                      probabilities: UnsafeMutablePointer<Float>,
                                      context: UnsafeMutablePointer<Float>, contextStride: Int) {
    for i in 0..<tokens {
        for j in 0..<tokens {
            var dot: Float = 0
            for d in 0..<headWidth { dot += q[i * stride + d] * k[j * stride + d] }
            probabilities[i * tokens + j] = dot
        }
    }
    softmaxF32Reference(rows: tokens, columns: tokens, x: probabilities, stride: tokens, scale: scale)
    for i in 0..<tokens {
        for c in 0..<headWidth {
            var sum: Float = 0
            for j in 0..<tokens { sum += probabilities[i * tokens + j] * v[j * stride + c] }
            context[i * contextStride + c] = sum
        }
    }
}
