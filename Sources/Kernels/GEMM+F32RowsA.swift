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
    var c00 = SIMD8<Float>(), c01 = SIMD8<Float>()
    var c10 = SIMD8<Float>(), c11 = SIMD8<Float>()
    var c20 = SIMD8<Float>(), c21 = SIMD8<Float>()
    var c30 = SIMD8<Float>(), c31 = SIMD8<Float>()
    var c40 = SIMD8<Float>(), c41 = SIMD8<Float>()
    var c50 = SIMD8<Float>(), c51 = SIMD8<Float>()
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
    let e = epilogue
    e.storeRow(c00, c01, row: row, column: column, columns: columns, c: c, accumulate: accumulate)
    if rows > 1 { e.storeRow(c10, c11, row: row + 1, column: column, columns: columns, c: c + ldc, accumulate: accumulate) }
    if rows > 2 { e.storeRow(c20, c21, row: row + 2, column: column, columns: columns, c: c + 2 * ldc, accumulate: accumulate) }
    if rows > 3 { e.storeRow(c30, c31, row: row + 3, column: column, columns: columns, c: c + 3 * ldc, accumulate: accumulate) }
    if rows > 4 { e.storeRow(c40, c41, row: row + 4, column: column, columns: columns, c: c + 4 * ldc, accumulate: accumulate) }
    if rows > 5 { e.storeRow(c50, c51, row: row + 5, column: column, columns: columns, c: c + 5 * ldc, accumulate: accumulate) }
}
