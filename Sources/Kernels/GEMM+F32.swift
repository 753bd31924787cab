/// The FP32 micro-kernel: a 6×16 tile of C from a packed A panel (`[k][6]`) and a packed B panel
/// (`[k][16]`), 12 `SIMD8<Float>` accumulators, A broadcast, FMA via `addProduct`. Writes the first
/// `rows × columns` of the tile through the epilogue; `row`/`column` locate the tile in C for bias.
@inline(never)
public func gemmF32_6x16(k: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                         c: UnsafeMutablePointer<Float>, ldc: Int, row: Int, column: Int,
                         rows: Int, columns: Int, accumulate: Bool, epilogue: GEMMF32Epilogue) {
    var c00 = SIMD8<Float>(), c01 = SIMD8<Float>()
    var c10 = SIMD8<Float>(), c11 = SIMD8<Float>()
    var c20 = SIMD8<Float>(), c21 = SIMD8<Float>()
    var c30 = SIMD8<Float>(), c31 = SIMD8<Float>()
    var c40 = SIMD8<Float>(), c41 = SIMD8<Float>()
    var c50 = SIMD8<Float>(), c51 = SIMD8<Float>()
    var ap = a, bp = b
    for _ in 0..<k {
        let b0 = loadF32x8(bp), b1 = loadF32x8(bp + 8)
        var s = SIMD8<Float>(repeating: ap[0])
        c00.addProduct(s, b0); c01.addProduct(s, b1)
        s = SIMD8<Float>(repeating: ap[1])
        c10.addProduct(s, b0); c11.addProduct(s, b1)
        s = SIMD8<Float>(repeating: ap[2])
        c20.addProduct(s, b0); c21.addProduct(s, b1)
        s = SIMD8<Float>(repeating: ap[3])
        c30.addProduct(s, b0); c31.addProduct(s, b1)
        s = SIMD8<Float>(repeating: ap[4])
        c40.addProduct(s, b0); c41.addProduct(s, b1)
        s = SIMD8<Float>(repeating: ap[5])
        c50.addProduct(s, b0); c51.addProduct(s, b1)
        ap += 6
        bp += 16
    }
    let e = epilogue
    e.storeRow(c00, c01, row: row, column: column, columns: columns, c: c, accumulate: accumulate)
    if rows > 1 { e.storeRow(c10, c11, row: row + 1, column: column, columns: columns, c: c + ldc, accumulate: accumulate) }
    if rows > 2 { e.storeRow(c20, c21, row: row + 2, column: column, columns: columns, c: c + 2 * ldc, accumulate: accumulate) }
    if rows > 3 { e.storeRow(c30, c31, row: row + 3, column: column, columns: columns, c: c + 3 * ldc, accumulate: accumulate) }
    if rows > 4 { e.storeRow(c40, c41, row: row + 4, column: column, columns: columns, c: c + 4 * ldc, accumulate: accumulate) }
    if rows > 5 { e.storeRow(c50, c51, row: row + 5, column: column, columns: columns, c: c + 5 * ldc, accumulate: accumulate) }
}

/// One row of C against a packed B panel: for batch-1 dense layers and recurrent steps, where a
/// 6-row tile would waste five sixths of its work. `a` steps by `aStride` along k. K is unrolled by
/// four into independent accumulators to hide FMA latency.
@inline(never)
public func gemmF32_1x16(k: Int, a: UnsafePointer<Float>, aStride: Int, b: UnsafePointer<Float>,
                         c: UnsafeMutablePointer<Float>, row: Int, column: Int, columns: Int,
                         accumulate: Bool, epilogue: GEMMF32Epilogue) {
    var x0 = SIMD8<Float>(), y0 = SIMD8<Float>(), x1 = SIMD8<Float>(), y1 = SIMD8<Float>()
    var x2 = SIMD8<Float>(), y2 = SIMD8<Float>(), x3 = SIMD8<Float>(), y3 = SIMD8<Float>()
    var ap = a, bp = b
    var p = 0
    while p + 4 <= k {
        var s = SIMD8<Float>(repeating: ap[0])
        x0.addProduct(s, loadF32x8(bp)); y0.addProduct(s, loadF32x8(bp + 8))
        s = SIMD8<Float>(repeating: ap[aStride])
        x1.addProduct(s, loadF32x8(bp + 16)); y1.addProduct(s, loadF32x8(bp + 24))
        s = SIMD8<Float>(repeating: ap[2 * aStride])
        x2.addProduct(s, loadF32x8(bp + 32)); y2.addProduct(s, loadF32x8(bp + 40))
        s = SIMD8<Float>(repeating: ap[3 * aStride])
        x3.addProduct(s, loadF32x8(bp + 48)); y3.addProduct(s, loadF32x8(bp + 56))
        ap += 4 * aStride
        bp += 64
        p += 4
    }
    while p < k {
        let s = SIMD8<Float>(repeating: ap[0])
        x0.addProduct(s, loadF32x8(bp)); y0.addProduct(s, loadF32x8(bp + 8))
        ap += aStride
        bp += 16
        p += 1
    }
    epilogue.storeRow((x0 + x1) + (x2 + x3), (y0 + y1) + (y2 + y3), row: row, column: column,
                      columns: columns, c: c, accumulate: accumulate)
}
