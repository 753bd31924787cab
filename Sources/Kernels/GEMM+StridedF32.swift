/// `C[m×n] (+)= A·B` with row-major `B` and `C`, where `A`'s element (i, p) lives at
/// `a[i * rowStride + p * colStride]`. A stride pair of (lda, 1) is a plain matrix and (1, lda) its
/// transpose, which is what every weight gradient (`Xᵀ·dY`) needs without copying `X`.
/// AVX2 tiles of 4×16 (two 8-lane accumulators per row); edges fall back to narrower tiles.
@inlinable
public func gemmStridedF32(
    m: Int, n: Int, k: Int,
    a: UnsafePointer<Float>, rowStride: Int, colStride: Int,
    b: UnsafePointer<Float>, ldb: Int,
    c: UnsafeMutablePointer<Float>, ldc: Int,
    accumulate: Bool
) {
    var i = 0
    while i + 4 <= m {
        var j = 0
        while j + 16 <= n {
            stridedTileF32_4x16(k: k, a: a + i * rowStride, rs: rowStride, cs: colStride,
                                b: b + j, ldb: ldb, c: c + i * ldc + j, ldc: ldc, accumulate: accumulate)
            j += 16
        }
        if j < n {
            for r in i..<(i + 4) {
                stridedRowF32(n: n - j, k: k, a: a + r * rowStride, cs: colStride,
                              b: b + j, ldb: ldb, c: c + r * ldc + j, accumulate: accumulate)
            }
        }
        i += 4
    }
    while i < m {
        stridedRowF32(n: n, k: k, a: a + i * rowStride, cs: colStride,
                      b: b, ldb: ldb, c: c + i * ldc, accumulate: accumulate)
        i += 1
    }
}

@inlinable @inline(__always)
func stridedTileF32_4x16(
    k: Int, a: UnsafePointer<Float>, rs: Int, cs: Int,
    b: UnsafePointer<Float>, ldb: Int, c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool
) {
    var c00 = SIMD8<Float>(), c01 = SIMD8<Float>(), c10 = SIMD8<Float>(), c11 = SIMD8<Float>()
    var c20 = SIMD8<Float>(), c21 = SIMD8<Float>(), c30 = SIMD8<Float>(), c31 = SIMD8<Float>()
    var pa = a, pb = b
    for _ in 0..<k {
        let b0 = loadF32x8(pb), b1 = loadF32x8(pb + 8)
        let a0 = SIMD8(repeating: pa[0]), a1 = SIMD8(repeating: pa[rs])
        let a2 = SIMD8(repeating: pa[2 * rs]), a3 = SIMD8(repeating: pa[3 * rs])
        c00.addProduct(a0, b0); c01.addProduct(a0, b1)
        c10.addProduct(a1, b0); c11.addProduct(a1, b1)
        c20.addProduct(a2, b0); c21.addProduct(a2, b1)
        c30.addProduct(a3, b0); c31.addProduct(a3, b1)
        pa += cs; pb += ldb
    }
    if accumulate {
        c00 += loadF32x8(c); c01 += loadF32x8(c + 8)
        c10 += loadF32x8(c + ldc); c11 += loadF32x8(c + ldc + 8)
        c20 += loadF32x8(c + 2 * ldc); c21 += loadF32x8(c + 2 * ldc + 8)
        c30 += loadF32x8(c + 3 * ldc); c31 += loadF32x8(c + 3 * ldc + 8)
    }
    storeF32x8(c00, c); storeF32x8(c01, c + 8)
    storeF32x8(c10, c + ldc); storeF32x8(c11, c + ldc + 8)
    storeF32x8(c20, c + 2 * ldc); storeF32x8(c21, c + 2 * ldc + 8)
    storeF32x8(c30, c + 3 * ldc); storeF32x8(c31, c + 3 * ldc + 8)
}

/// One row of C: 8-lane blocks, then scalar columns.
@inlinable @inline(__always)
func stridedRowF32(
    n: Int, k: Int, a: UnsafePointer<Float>, cs: Int,
    b: UnsafePointer<Float>, ldb: Int, c: UnsafeMutablePointer<Float>, accumulate: Bool
) {
    var j = 0
    while j + 8 <= n {
        var acc = accumulate ? loadF32x8(c + j) : SIMD8<Float>()
        var pa = a, pb = b + j
        for _ in 0..<k {
            acc.addProduct(SIMD8(repeating: pa[0]), loadF32x8(pb))
            pa += cs; pb += ldb
        }
        storeF32x8(acc, c + j)
        j += 8
    }
    while j < n {
        var acc: Float = accumulate ? c[j] : 0
        var pa = a, pb = b + j
        for _ in 0..<k {
            acc.addProduct(pa[0], pb[0])
            pa += cs; pb += ldb
        }
        c[j] = acc
        j += 1
    }
}

/// `dst[cols×rows] = srcᵀ` for a row-major `src[rows×cols]`.
@inlinable
public func transposeF32(rows: Int, cols: Int, src: UnsafePointer<Float>, dst: UnsafeMutablePointer<Float>) {
    for r in 0..<rows {
        for col in 0..<cols { dst[col * rows + r] = src[r * cols + col] }
    }
}

/// Scalar reference for `gemmStridedF32`: the plain triple loop, one product at a time.
public func gemmStridedF32Reference(
    m: Int, n: Int, k: Int,
    a: UnsafePointer<Float>, rowStride: Int, colStride: Int,
    b: UnsafePointer<Float>, ldb: Int,
    c: UnsafeMutablePointer<Float>, ldc: Int,
    accumulate: Bool
) {
    for i in 0..<m {
        for j in 0..<n {
            var sum: Float = accumulate ? c[i * ldc + j] : 0
            for p in 0..<k { sum += a[i * rowStride + p * colStride] * b[p * ldb + j] }
            c[i * ldc + j] = sum
        }
    }
}
