/// Int8 GEMM with Int32 results: `c[i · ldc + j] = Σ_p left(i, p) · right(p, j)` over the first
/// `rows` rows of `left` (all of them by default) and every column of `right`, where both operands
/// already hold `value − zeroPoint` (see `PackedLeftS8`, `PackedRightS8`). Exact: it equals
/// `gemmS8Reference` bit for bit. Allocates nothing.
///
/// Full 6-row blocks run `gemmS8_6x16`; a tail of one or two rows (batch-1 dense layers, LSTM
/// steps) runs the single-row kernels, which stream the right operand once per row.
public func gemmS8(left: PackedLeftS8, right: PackedRightS8, rows: Int? = nil,
                   c: UnsafeMutablePointer<Int32>, ldc: Int) {
    let m = rows ?? left.rows
    precondition(left.depth == right.depth, "gemmS8 depth mismatch: left \(left.depth), right \(right.depth)")
    precondition(m >= 0 && m <= left.rows && ldc >= right.columns, "gemmS8: \(m) rows of \(left.rows), ldc \(ldc)")
    let pairs = left.depthPairs, tile = PackedRightS8.columnTile
    let panelStride = pairs * tile * 2
    let blockStride = pairs * PackedLeftS8.rowTile
    let tailRows = m % PackedLeftS8.rowTile
    let tiledRows = tailRows >= 3 ? m : m - tailRows
    var row = 0
    while row < tiledRows {
        let a = left.storage + (row / PackedLeftS8.rowTile) * blockStride
        let height = min(PackedLeftS8.rowTile, m - row)
        for panel in 0..<right.panels {
            let width = min(tile, right.columns - panel * tile)
            let b = right.storage + panel * panelStride
            let out = c + row * ldc + panel * tile
            if height == PackedLeftS8.rowTile && width == tile {
                gemmS8_6x16(depthPairs: pairs, a: a, b: b, c: out, ldc: ldc)
            } else {
                withUnsafeTemporaryAllocation(of: Int32.self, capacity: PackedLeftS8.rowTile * tile) { scratch in
                    let t = scratch.baseAddress!
                    gemmS8_6x16(depthPairs: pairs, a: a, b: b, c: t, ldc: tile)
                    for i in 0..<height { (out + i * ldc).update(from: t + i * tile, count: width) }
                }
            }
        }
        row += PackedLeftS8.rowTile
    }
    for r in tiledRows..<m {
        let a = left.storage + (r / PackedLeftS8.rowTile) * blockStride + r % PackedLeftS8.rowTile
        var panel = 0
        while panel < right.panels {
            let group = right.panels - panel >= 4 && (panel + 4) * tile <= right.columns ? 4 : 1
            let width = min(group * tile, right.columns - panel * tile)
            let b = right.storage + panel * panelStride
            let out = c + r * ldc + panel * tile
            if group == 4, let narrow = right.narrow {
                gemmS8_1x64Narrow(depthPairs: pairs, a: a, aStride: PackedLeftS8.rowTile, b: narrow + panel * panelStride,
                                  panelStride: panelStride, c: out)
            } else if group == 4 {
                gemmS8_1x64(depthPairs: pairs, a: a, aStride: PackedLeftS8.rowTile, b: b, panelStride: panelStride, c: out)
            } else if width == tile {
                gemmS8_1x16(depthPairs: pairs, a: a, aStride: PackedLeftS8.rowTile, b: b, c: out)
            } else {
                withUnsafeTemporaryAllocation(of: Int32.self, capacity: tile) { scratch in
                    gemmS8_1x16(depthPairs: pairs, a: a, aStride: PackedLeftS8.rowTile, b: b, c: scratch.baseAddress!)
                    out.update(from: scratch.baseAddress!, count: width)
                }
            }
            panel += group
        }
    }
}

/// Unpacked convenience with the `gemmF32` layout: `C[m×n] = (A[m×k] − aZeroPoint) · B[k×n]`, A
/// unsigned activations, B signed weights, all row-major. Packs both operands into fresh buffers
/// on every call (it allocates); layers pack weights once and call the packed form.
public func gemmS8(m: Int, n: Int, k: Int,
                   a: UnsafePointer<UInt8>, lda: Int, aZeroPoint: Int32,
                   b: UnsafePointer<Int8>, ldb: Int,
                   c: UnsafeMutablePointer<Int32>, ldc: Int) {
    guard m > 0, n > 0 else { return }
    guard k > 0 else {
        for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) }
        return
    }
    let left = PackedLeftS8(rows: m, depth: k)
    left.pack(a, ld: lda, zeroPoint: aZeroPoint)
    let right = PackedRightS8(depth: k, columns: n)
    right.pack(b, ld: ldb)
    gemmS8(left: left, right: right, c: c, ldc: ldc)
}
