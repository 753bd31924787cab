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
    gemmF32RowsATile(AccumulatorsF32_6x16.self, k: k, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc, row: row,
                     column: column, rows: rows, columns: columns, accumulate: accumulate, epilogue: epilogue)
}

/// One row of C against up to four 16-column B panels (`panelStride` apart; rows `ldb` apart
/// within a panel): `c[0..<columns] = epilogue(Σ_p a[p] · B[p][0..<columns])`, `columns` ≤ 64.
/// For the one or two rows a 6- and 5-row tiling leaves over in small products (m = 7, 8, 13, 14,
/// 19), where a tile would do five or six rows' work for one. Each element is one FMA chain over p in order, like
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
/// (`panelStride` apart, rows `ldb` apart), in one depth pass, tiled as `GEMMF32RowTiling` says.
@inline(__always)
func gemmF32RowTiles(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                     panelStride: Int, c: UnsafeMutablePointer<Float>, ldc: Int, row: Int = 0,
                     accumulate: Bool, epilogue: GEMMF32Epilogue) {
    let tiling = GEMMF32RowTiling(m: m), tiled = tiling.tiledRows
    var j = 0
    while j < n {
        let panel = b + (j / 16) * panelStride, columns = min(16, n - j)
        var i = 0
        while i < 6 * tiling.sixes {
            gemmF32_6x16_rowsA(k: k, a: a + i * lda, lda: lda, b: panel, ldb: ldb, c: c + i * ldc + j, ldc: ldc,
                               row: row + i, column: j, rows: 6, columns: columns, accumulate: accumulate,
                               epilogue: epilogue)
            i += 6
        }
        while i < tiled {
            gemmF32_5x16_rowsA(k: k, a: a + i * lda, lda: lda, b: panel, ldb: ldb, c: c + i * ldc + j, ldc: ldc,
                               row: row + i, column: j, rows: min(5, tiled - i), columns: columns,
                               accumulate: accumulate, epilogue: epilogue)
            i += 5
        }
        j += 16
    }
    gemmF32SingleRows(rows: tiling.singleRows, n: n, k: k, a: a + tiled * lda, lda: lda, b: b, ldb: ldb,
                      panelStride: panelStride, c: c + tiled * ldc, ldc: ldc, row: row + tiled,
                      accumulate: accumulate, epilogue: epilogue)
}

/// How an `m`-row product is cut into row tiles: `sixes` 6×16 tiles, then `fives` 5×16 tiles, then
/// `singleRows` rows by the one-row kernel. A remainder of r = m mod 6 rows takes 6 − r five-row
/// tiles in place of 5 − r six-row ones (49 = 4·6 + 5·5, 28 = 3·6 + 2·5), so every tile is full
/// and each B panel is read from L1 by all of them; an m too small for that keeps a one- or
/// two-row remainder for the one-row kernel (m = 7, 8, 13, 14, 19) or ends in one partial
/// five-row tile.
struct GEMMF32RowTiling {
    var sixes: Int, fives: Int, singleRows: Int
    /// Rows the 6- and 5-row tiles cover (the first ones; the last five-row tile may be partial).
    var tiledRows: Int { rows - singleRows }
    private var rows: Int

    init(m: Int) {
        rows = m
        let remainder = m % 6, fiveRowTiles = (6 - remainder) % 6
        if 5 * fiveRowTiles <= m {
            (sixes, fives, singleRows) = ((m - 5 * fiveRowTiles) / 6, fiveRowTiles, 0)
        } else if m > 6 && remainder <= 2 {
            (sixes, fives, singleRows) = (m / 6, 0, remainder)
        } else {
            (sixes, fives, singleRows) = (m / 6, 1, 0)
        }
    }
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
