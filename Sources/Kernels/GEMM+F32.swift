/// The FP32 micro-kernel: a 6×16 tile of C from a packed A panel (`[k][6]`) and a packed B panel
/// (`[k][16]`), 12 `SIMD8<Float>` accumulators (`AccumulatorsF32_6x16`), A broadcast, FMA via
/// `addProduct`. Writes the first `rows × columns` of the tile through the epilogue; `row`/`column`
/// locate the tile in C for bias.
@inline(never)
public func gemmF32_6x16(k: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                         c: UnsafeMutablePointer<Float>, ldc: Int, row: Int, column: Int,
                         rows: Int, columns: Int, accumulate: Bool, epilogue: GEMMF32Epilogue) {
    var tile = AccumulatorsF32_6x16()
    var ap = a, bp = b
    for _ in 0..<k {
        tile.add(ap[0], ap[1], ap[2], ap[3], ap[4], ap[5], b: bp)
        ap += 6
        bp += 16
    }
    tile.store(epilogue, c: c, ldc: ldc, row: row, column: column, rows: rows, columns: columns, accumulate: accumulate)
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
    epilogue.store((x0 + x1) + (x2 + x3), (y0 + y1) + (y2 + y3), row: row, column: column,
                   columns: columns, c: c, accumulate: accumulate)
}
