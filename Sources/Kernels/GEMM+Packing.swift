/// Register tile of the FP32 micro-kernel `gemmF32_6x16`: 6 rows of A by 16 columns of B.
public enum GEMMF32Tile {
    public static let rows = 6
    public static let columns = 16
}

/// Floats needed to hold an `m×k` A operand packed in 6-row panels (`[panel][k][6]`, zero-padded).
public func gemmF32PackedASize(m: Int, k: Int) -> Int {
    (m + GEMMF32Tile.rows - 1) / GEMMF32Tile.rows * GEMMF32Tile.rows * k
}

/// Floats needed to hold a `k×n` B operand packed in 16-column panels (`[panel][k][16]`, zero-padded).
public func gemmF32PackedBSize(k: Int, n: Int) -> Int {
    (n + GEMMF32Tile.columns - 1) / GEMMF32Tile.columns * GEMMF32Tile.columns * k
}

/// Packs A (`A[i][p] = a[i·rowStride + p·columnStride]`) into 6-row panels for the micro-kernel.
/// Strides let the same routine pack a matrix or its transpose.
public func packAF32(m: Int, k: Int, a: UnsafePointer<Float>, rowStride: Int, columnStride: Int,
                     into packed: UnsafeMutablePointer<Float>) {
    let mr = GEMMF32Tile.rows
    var i0 = 0
    while i0 < m {
        let rows = min(mr, m - i0)
        let dst = packed + i0 * k
        for p in 0..<k {
            let src = a + i0 * rowStride + p * columnStride
            for i in 0..<mr { dst[p * mr + i] = i < rows ? src[i * rowStride] : 0 }
        }
        i0 += mr
    }
}

/// Packs B (`B[p][j] = b[p·rowStride + j·columnStride]`) into 16-column panels for the micro-kernel.
public func packBF32(k: Int, n: Int, b: UnsafePointer<Float>, rowStride: Int, columnStride: Int,
                     into packed: UnsafeMutablePointer<Float>) {
    let nr = GEMMF32Tile.columns
    var j0 = 0
    while j0 < n {
        let columns = min(nr, n - j0)
        let dst = packed + j0 * k
        for p in 0..<k {
            let src = b + p * rowStride + j0 * columnStride
            let out = dst + p * nr
            if columns == nr && columnStride == 1 {
                storeF32x8(loadF32x8(src), out)
                storeF32x8(loadF32x8(src + 8), out + 8)
            } else {
                for j in 0..<nr { out[j] = j < columns ? src[j * columnStride] : 0 }
            }
        }
        j0 += nr
    }
}
