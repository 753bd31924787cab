/// Depth of one pass over k: a 16-column B panel slice of this depth (16 KiB) stays in L1 while
/// every A panel streams past it.
let gemmF32DepthBlock = 256

/// `C[m×n] = epilogue(A·B [+ C])` with both operands pre-packed (`packAF32`, `packBF32`).
/// `columnRange` (in columns of C) lets threads split the work; nil means all columns.
public func gemmF32Packed(m: Int, n: Int, k: Int,
                          packedA: UnsafePointer<Float>, packedB: UnsafePointer<Float>,
                          c: UnsafeMutablePointer<Float>, ldc: Int,
                          accumulate: Bool = false, epilogue: GEMMF32Epilogue = .identity) {
    forEachTileF32(m: m, n: n, k: k, accumulate: accumulate, epilogue: epilogue) { tile in
        gemmF32_6x16(k: tile.depth, a: packedA + tile.row * k + tile.depthStart * GEMMF32Tile.rows,
                     b: packedB + tile.column * k + tile.depthStart * GEMMF32Tile.columns,
                     c: c + tile.row * ldc + tile.column, ldc: ldc, row: tile.row, column: tile.column,
                     rows: tile.rows, columns: tile.columns, accumulate: tile.accumulate, epilogue: tile.epilogue)
    }
}

/// `C[m×n] = epilogue(A·B [+ C])` with A as plain rows (`A[i][p] = a[i·lda + p]`) and B pre-packed.
/// A is read in place: by the one-row kernel for m ≤ 2, otherwise by `gemmF32_6x16_rowsA` tiles
/// with `gemmF32_1x64_rowsA` for a last one or two rows. Needs no workspace.
public func gemmF32(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int,
                    packedB: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, ldc: Int,
                    accumulate: Bool = false, epilogue: GEMMF32Epilogue = .identity) {
    if m <= 2 {
        for i in 0..<m {
            var j0 = 0
            while j0 < n {
                gemmF32_1x16(k: k, a: a + i * lda, aStride: 1, b: packedB + j0 * k, c: c + i * ldc + j0,
                             row: i, column: j0, columns: min(GEMMF32Tile.columns, n - j0),
                             accumulate: accumulate, epilogue: epilogue)
                j0 += GEMMF32Tile.columns
            }
        }
        return
    }
    let tail = gemmF32SingleRowTail(m)
    forEachTileF32(m: m - tail, n: n, k: k, accumulate: accumulate, epilogue: epilogue) { tile in
        gemmF32_6x16_rowsA(k: tile.depth, a: a + tile.row * lda + tile.depthStart, lda: lda,
                           b: packedB + tile.column * k + tile.depthStart * GEMMF32Tile.columns,
                           c: c + tile.row * ldc + tile.column, ldc: ldc, row: tile.row, column: tile.column,
                           rows: tile.rows, columns: tile.columns, accumulate: tile.accumulate, epilogue: tile.epilogue)
    }
    guard tail > 0 else { return }
    var p0 = 0
    repeat {
        let depth = min(gemmF32DepthBlock, k - p0)
        gemmF32SingleRows(rows: tail, n: n, k: depth, a: a + (m - tail) * lda + p0, lda: lda,
                          b: packedB + p0 * GEMMF32Tile.columns, ldb: GEMMF32Tile.columns,
                          panelStride: k * GEMMF32Tile.columns, c: c + (m - tail) * ldc, ldc: ldc, row: m - tail,
                          accumulate: accumulate || p0 > 0, epilogue: p0 + depth >= k ? epilogue : .identity)
        p0 += depth
    } while p0 < k
}

/// One 6×16 tile of C over one depth block, as the GEMM drivers hand it to a micro-kernel.
struct GEMMF32TileJob {
    var row: Int, column: Int, rows: Int, columns: Int
    var depthStart: Int, depth: Int
    /// Add to C: the caller asked for it, or an earlier depth block already stored its part.
    var accumulate: Bool
    /// The caller's epilogue on the last depth block, identity before it.
    var epilogue: GEMMF32Epilogue
}

/// Walks C in 6×16 tiles, column panel by column panel, within depth blocks of
/// `gemmF32DepthBlock` so a B panel slice stays in L1 while the A rows stream past it.
@inline(__always)
func forEachTileF32(m: Int, n: Int, k: Int, accumulate: Bool, epilogue: GEMMF32Epilogue,
                    _ body: (GEMMF32TileJob) -> Void) {
    let mr = GEMMF32Tile.rows, nr = GEMMF32Tile.columns
    var p0 = 0
    repeat {
        let depth = min(gemmF32DepthBlock, k - p0)
        let finish = p0 + depth >= k ? epilogue : .identity
        var j0 = 0
        while j0 < n {
            var i0 = 0
            while i0 < m {
                body(GEMMF32TileJob(row: i0, column: j0, rows: min(mr, m - i0), columns: min(nr, n - j0),
                                    depthStart: p0, depth: depth, accumulate: accumulate || p0 > 0, epilogue: finish))
                i0 += mr
            }
            j0 += nr
        }
        p0 += depth
    } while p0 < k
}

/// Optimized single-precision GEMM with the signature of `gemmF32Reference`:
/// `C[m×n] = A[m×k] · B[k×n] (+ C if accumulate)`, row-major, unpacked operands. Packs both
/// B into a temporary buffer per call (use the packed-B form to avoid that on hot paths).
public func gemmF32(m: Int, n: Int, k: Int,
                    a: UnsafePointer<Float>, lda: Int,
                    b: UnsafePointer<Float>, ldb: Int,
                    c: UnsafeMutablePointer<Float>, ldc: Int,
                    accumulate: Bool = false) {
    guard m > 0, n > 0 else { return }
    let buffer = UnsafeMutablePointer<Float>.allocate(capacity: max(gemmF32PackedBSize(k: k, n: n), 1))
    defer { buffer.deallocate() }
    packBF32(k: k, n: n, b: b, rowStride: ldb, columnStride: 1, into: buffer)
    gemmF32(m: m, n: n, k: k, a: a, lda: lda, packedB: buffer, c: c, ldc: ldc, accumulate: accumulate)
}
