/// The FP32 micro-kernel for A given as plain rows (`A[i][p] = a[i·lda + p]`): a 6×16 tile of C
/// against a B panel of 16 readable floats per row, rows `ldb` apart (16 for a packed panel),
/// reading A through six row pointers instead of a packed panel, so small-M products (attention's
/// 49 tokens) skip packing A on every call. Rows past
/// `rows` alias the last valid row; their results are never stored. Same order of operations as
/// `gemmF32_6x16`, so both give the same bits.
@inline(never)
public func gemmF32_6x16_rowsA(k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int = 16,
                               c: UnsafeMutablePointer<Float>, ldc: Int, row: Int, column: Int,
                               rows: Int, columns: Int, accumulate: Bool, epilogue: GEMMF32Epilogue) {
    var tile = AccumulatorsF32_6x16()
    tile.addRowsA(k: k, a: a, lda: lda, b: b, ldb: ldb, rows: rows)
    tile.store(epilogue, c: c, ldc: ldc, row: row, column: column, rows: rows, columns: columns, accumulate: accumulate)
}

/// One row of C against up to four 16-column B panels (`panelStride` apart; rows `ldb` apart
/// within a panel): `c[0..<columns] = epilogue(Σ_p a[p] · B[p][0..<columns])`, `columns` ≤ 64.
/// For the one or two rows a 6-row tiling leaves over (49 tokens = 8·6 + 1), where a 6-row tile
/// would do six rows' work for one. Each element is one FMA chain over p in order, like
/// `gemmF32_6x16`, so a row gets the same bits from either kernel; eight independent chains hide
/// the FMA latency. Panels past `columns` alias the first; their results are never stored.
@inline(never)
public func gemmF32_1x64_rowsA(k: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, ldb: Int, panelStride: Int,
                               c: UnsafeMutablePointer<Float>, row: Int, column: Int, columns: Int,
                               accumulate: Bool, epilogue: GEMMF32Epilogue) {
    let b0 = b
    let b1 = columns > 16 ? b0 + panelStride : b0
    let b2 = columns > 32 ? b1 + panelStride : b0
    let b3 = columns > 48 ? b2 + panelStride : b0
    var x0 = SIMD8<Float>(), y0 = SIMD8<Float>(), x1 = SIMD8<Float>(), y1 = SIMD8<Float>()
    var x2 = SIMD8<Float>(), y2 = SIMD8<Float>(), x3 = SIMD8<Float>(), y3 = SIMD8<Float>()
    var offset = 0
    for p in 0..<k {
        let s = SIMD8<Float>(repeating: a[p])
        x0.addProduct(s, loadF32x8(b0 + offset)); y0.addProduct(s, loadF32x8(b0 + offset + 8))
        x1.addProduct(s, loadF32x8(b1 + offset)); y1.addProduct(s, loadF32x8(b1 + offset + 8))
        x2.addProduct(s, loadF32x8(b2 + offset)); y2.addProduct(s, loadF32x8(b2 + offset + 8))
        x3.addProduct(s, loadF32x8(b3 + offset)); y3.addProduct(s, loadF32x8(b3 + offset + 8))
        offset &+= ldb
    }
    let e = epilogue
    e.store(x0, y0, row: row, column: column, columns: min(columns, 16), c: c, accumulate: accumulate)
    if columns > 16 {
        e.store(x1, y1, row: row, column: column + 16, columns: min(columns - 16, 16), c: c + 16, accumulate: accumulate)
    }
    if columns > 32 {
        e.store(x2, y2, row: row, column: column + 32, columns: min(columns - 32, 16), c: c + 32, accumulate: accumulate)
    }
    if columns > 48 {
        e.store(x3, y3, row: row, column: column + 48, columns: columns - 48, c: c + 48, accumulate: accumulate)
    }
}

/// `C[m×n] = epilogue(A·B [+ C])` for A rows in place (`lda` apart) and B as 16-column panels
/// (`panelStride` apart, rows `ldb` apart), in one depth pass: 6×16 tiles, and
/// `gemmF32_1x64_rowsA` for the last rows when a 6-row tile would be at most a third used.
@inline(__always)
func gemmF32RowTiles(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                     panelStride: Int, c: UnsafeMutablePointer<Float>, ldc: Int, row: Int = 0,
                     accumulate: Bool, epilogue: GEMMF32Epilogue) {
    let tail = gemmF32SingleRowTail(m)
    var j = 0
    while j < n {
        var i = 0
        while i < m - tail {
            gemmF32_6x16_rowsA(k: k, a: a + i * lda, lda: lda, b: b + (j / 16) * panelStride, ldb: ldb,
                               c: c + i * ldc + j, ldc: ldc, row: row + i, column: j, rows: min(6, m - tail - i),
                               columns: min(16, n - j), accumulate: accumulate, epilogue: epilogue)
            i += 6
        }
        j += 16
    }
    gemmF32SingleRows(rows: tail, n: n, k: k, a: a + (m - tail) * lda, lda: lda, b: b, ldb: ldb,
                      panelStride: panelStride, c: c + (m - tail) * ldc, ldc: ldc, row: row + m - tail,
                      accumulate: accumulate, epilogue: epilogue)
}

/// `rows` rows of C, one at a time, by `gemmF32_1x64_rowsA` (operands as in `gemmF32RowTiles`).
@inline(__always)
func gemmF32SingleRows(rows: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>,
                       ldb: Int, panelStride: Int, c: UnsafeMutablePointer<Float>, ldc: Int, row: Int,
                       accumulate: Bool, epilogue: GEMMF32Epilogue) {
    for i in 0..<rows {
        var j = 0
        while j < n {
            gemmF32_1x64_rowsA(k: k, a: a + i * lda, b: b + (j / 16) * panelStride, ldb: ldb, panelStride: panelStride,
                               c: c + i * ldc + j, row: row + i, column: j, columns: min(64, n - j),
                               accumulate: accumulate, epilogue: epilogue)
            j += 64
        }
    }
}

/// Rows at the end of an `m`-row product that the one-row kernel takes instead of a 6-row tile:
/// a remainder of one or two rows (a tile would do 6 rows' work for them).
@inline(__always)
func gemmF32SingleRowTail(_ m: Int) -> Int {
    let remainder = m % 6
    return m > 6 && remainder <= 2 ? remainder : 0
}
