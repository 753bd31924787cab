/// An FP32 accumulator tile of 16 columns (the 6×16 and 5×16 tiles), for kernels
/// written once over both: A rows or columns in place, then one store through the epilogue.
protocol AccumulatorsF32RowsA {
    init()
    /// Rows of the tile.
    static var height: Int { get }
    /// `k` depth steps with A as plain rows (`rows` ≤ `height` of them, `lda` apart; rows past
    /// `rows` alias the last valid one) against B rows `ldb` apart.
    mutating func addRowsA(k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, rows: Int)
    /// `addRowsA` with A given column by column (`A[i][p] = a[p·lda + i]`: a transposed matrix).
    mutating func addColumnsA(k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, rows: Int)
    /// Row `r` (< `height`): columns 0–7 and 8–15.
    func row(_ r: Int) -> (SIMD8<Float>, SIMD8<Float>)
}

extension AccumulatorsF32RowsA {
    /// Calls `body(r, row(r))` for the first `rows` rows, unrolled: each `row(r)` is a constant once
    /// inlined, so the accumulators are read straight from their registers.
    @inline(always)
    func forEachRow(_ rows: Int, _ body: (Int, SIMD8<Float>, SIMD8<Float>) -> Void) {
        @inline(always) func visit(_ r: Int) {
            let (lo, hi) = row(r)
            body(r, lo, hi)
        }
        visit(0)
        if rows > 1 { visit(1) }
        if rows > 2 { visit(2) }
        if rows > 3 { visit(3) }
        if rows > 4 { visit(4) }
        if Self.height > 5 && rows > 5 { visit(5) }
    }

    /// Writes the first `rows × columns` of the tile through `epilogue`; `row`/`column` locate the
    /// tile in C (for bias).
    @inline(always)
    func store(_ e: GEMMF32Epilogue, c: UnsafeMutablePointer<Float>, ldc: Int, row: Int, column: Int,
               rows: Int, columns: Int, accumulate: Bool) {
        forEachRow(rows) { r, lo, hi in
            if columns == 16 {
                e.storeFullRow(lo, hi, row: row + r, column: column, c: c + r * ldc, accumulate: accumulate)
            } else {
                e.storePartialRow(lo, hi, row: row + r, column: column, columns: columns, c: c + r * ldc,
                                  accumulate: accumulate)
            }
        }
        e.activate(c: c, ldc: ldc, rows: rows, columns: columns)
    }
}

/// A row tile's kernel for A given as plain rows: `k` depth steps, then the store through `epilogue`.
@inline(always)
func gemmF32RowsATile<Tile: AccumulatorsF32RowsA>(
    _: Tile.Type, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    c: UnsafeMutablePointer<Float>, ldc: Int, row: Int, column: Int, rows: Int, columns: Int, accumulate: Bool,
    epilogue: GEMMF32Epilogue
) {
    var tile = Tile()
    tile.addRowsA(k: k, a: a, lda: lda, b: b, ldb: ldb, rows: rows)
    tile.store(epilogue, c: c, ldc: ldc, row: row, column: column, rows: rows, columns: columns, accumulate: accumulate)
}
