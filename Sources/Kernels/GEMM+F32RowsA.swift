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
    let a0 = a
    let a1 = rows > 1 ? a0 + lda : a0
    let a2 = rows > 2 ? a1 + lda : a1
    let a3 = rows > 3 ? a2 + lda : a2
    let a4 = rows > 4 ? a3 + lda : a3
    let a5 = rows > 5 ? a4 + lda : a4
    var tile = AccumulatorsF32_6x16()
    var bp = b
    for p in 0..<k {
        tile.add(a0[p], a1[p], a2[p], a3[p], a4[p], a5[p], b: bp)
        bp += ldb
    }
    tile.store(epilogue, c: c, ldc: ldc, row: row, column: column, rows: rows, columns: columns, accumulate: accumulate)
}
