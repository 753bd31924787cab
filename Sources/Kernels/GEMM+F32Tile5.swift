/// The ten accumulators of an FP32 5×16 tile (row r's columns 0–7 and 8–15): the tile for the rows a
/// 6-row tiling would leave over (49 = 4·6 + 5·5 instead of 8·6 + 1). Each depth step broadcasts
/// one A value per row and issues 10 FMAs against two B vectors, in the 6×16 tile's order, so a row
/// gets the same bits from either tile.
struct AccumulatorsF32_5x16 {
    var c00 = SIMD8<Float>(), c01 = SIMD8<Float>(), c10 = SIMD8<Float>(), c11 = SIMD8<Float>()
    var c20 = SIMD8<Float>(), c21 = SIMD8<Float>(), c30 = SIMD8<Float>(), c31 = SIMD8<Float>()
    var c40 = SIMD8<Float>(), c41 = SIMD8<Float>()

    /// One depth step: `c[r][0..<16] += a_r · b[0..<16]`.
    @inline(__always)
    mutating func add(_ a0: Float, _ a1: Float, _ a2: Float, _ a3: Float, _ a4: Float, b: UnsafePointer<Float>) {
        let b0 = loadF32x8(b), b1 = loadF32x8(b + 8)
        var s = SIMD8<Float>(repeating: a0)
        c00.addProduct(s, b0); c01.addProduct(s, b1)
        s = SIMD8<Float>(repeating: a1)
        c10.addProduct(s, b0); c11.addProduct(s, b1)
        s = SIMD8<Float>(repeating: a2)
        c20.addProduct(s, b0); c21.addProduct(s, b1)
        s = SIMD8<Float>(repeating: a3)
        c30.addProduct(s, b0); c31.addProduct(s, b1)
        s = SIMD8<Float>(repeating: a4)
        c40.addProduct(s, b0); c41.addProduct(s, b1)
    }
}

extension AccumulatorsF32_5x16: AccumulatorsF32RowsA {
    static var height: Int { 5 }

    @inline(__always)
    mutating func addRowsA(k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, rows: Int) {
        let a0 = a
        let a1 = rows > 1 ? a0 + lda : a0
        let a2 = rows > 2 ? a1 + lda : a1
        let a3 = rows > 3 ? a2 + lda : a2
        let a4 = rows > 4 ? a3 + lda : a3
        var bp = b
        for p in 0..<k {
            add(a0[p], a1[p], a2[p], a3[p], a4[p], b: bp)
            bp += ldb
        }
    }

    @inline(__always)
    mutating func addColumnsA(k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, rows: Int) {
        let o1 = min(1, rows - 1), o2 = min(2, rows - 1), o3 = min(3, rows - 1), o4 = min(4, rows - 1)
        var ap = a, bp = b
        for _ in 0..<k {
            add(ap[0], ap[o1], ap[o2], ap[o3], ap[o4], b: bp)
            ap += lda
            bp += ldb
        }
    }

    @inline(__always)
    func row(_ r: Int) -> (SIMD8<Float>, SIMD8<Float>) {
        switch r {
        case 0: (c00, c01)
        case 1: (c10, c11)
        case 2: (c20, c21)
        case 3: (c30, c31)
        default: (c40, c41)
        }
    }
}

/// The 5×16 counterpart of `gemmF32_6x16_rowsA` (`rows` ≤ 5), for the last rows of a product.
@inline(never)
public func gemmF32_5x16_rowsA(k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int = 16,
                               c: UnsafeMutablePointer<Float>, ldc: Int, row: Int, column: Int,
                               rows: Int, columns: Int, accumulate: Bool, epilogue: GEMMF32Epilogue) {
    gemmF32RowsATile(AccumulatorsF32_5x16.self, k: k, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc, row: row,
                     column: column, rows: rows, columns: columns, accumulate: accumulate, epilogue: epilogue)
}
