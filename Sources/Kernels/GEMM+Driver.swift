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
/// A is read in place: by the one-row kernel for m ≤ 2, otherwise by `gemmF32_6x16_rowsA` and
/// `gemmF32_5x16_rowsA` tiles (`GEMMF32RowTiling`). Needs no workspace.
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
    forEachDepthBlockF32(k: k, accumulate: accumulate, epilogue: epilogue) { start, depth, add, finish in
        gemmF32RowTiles(m: m, n: n, k: depth, a: a + start, lda: lda, b: packedB + start * GEMMF32Tile.columns,
                        ldb: GEMMF32Tile.columns, panelStride: k * GEMMF32Tile.columns, c: c, ldc: ldc,
                        accumulate: add, epilogue: finish)
    }
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
    forEachDepthBlockF32(k: k, accumulate: accumulate, epilogue: epilogue) { start, depth, add, finish in
        var j0 = 0
        while j0 < n {
            var i0 = 0
            while i0 < m {
                body(GEMMF32TileJob(row: i0, column: j0, rows: min(mr, m - i0), columns: min(nr, n - j0),
                                    depthStart: start, depth: depth, accumulate: add, epilogue: finish))
                i0 += mr
            }
            j0 += nr
        }
    }
}

/// Splits the depth `k` into passes of `gemmF32DepthBlock`: each pass adds to what the earlier ones
/// stored (or to C when the caller accumulates), and only the last applies the caller's epilogue.
@inline(__always)
func forEachDepthBlockF32(k: Int, accumulate: Bool, epilogue: GEMMF32Epilogue,
                          _ body: (_ start: Int, _ depth: Int, _ accumulate: Bool, _ epilogue: GEMMF32Epilogue) -> Void) {
    var start = 0
    repeat {
        let depth = min(gemmF32DepthBlock, k - start)
        body(start, depth, accumulate || start > 0, start + depth >= k ? epilogue : .identity)
        start += depth
    } while start < k
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
