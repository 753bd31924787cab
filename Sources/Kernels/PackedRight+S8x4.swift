/// Signed int8 weights packed as the right operand of `gemmU8S8` (`depth × columns`): columns in
/// panels of 16, depth in quads (`storage[((panel · depthQuads + q) · 16 + j) · 4 + e]` holds
/// element `(4q + e, 16·panel + j)`), plus each column's sum, which turns the raw uint8 products
/// into products of values minus their zero point. Padding columns and the depth tail are 0.
public final class PackedRightS8x4: @unchecked Sendable {
    /// Columns of one panel (two 8-lane Int32 accumulators).
    public static let columnTile = 16

    public let depth: Int
    public let columns: Int
    /// `depth` rounded up to whole quads: the row stride a left operand needs at least.
    public let paddedDepth: Int
    let depthQuads: Int
    let panels: Int
    let storage: UnsafeMutablePointer<Int8>
    /// `Σ_p element(p, j)` for every padded column.
    let columnSums: UnsafeMutablePointer<Int32>

    /// Packs weights stored transposed, `[columns][depth]` rows `ld` apart (e.g. a dense layer's
    /// `[out, in]`): element `(p, j)` is `source[j · ld + p]`.
    public init(transposed source: UnsafePointer<Int8>, ld: Int, depth: Int, columns: Int) {
        precondition(depth > 0 && columns > 0 && ld >= depth, "PackedRightS8x4: \(depth)×\(columns), ld \(ld)")
        self.depth = depth
        self.columns = columns
        depthQuads = (depth + 3) / 4
        paddedDepth = 4 * depthQuads
        panels = (columns + Self.columnTile - 1) / Self.columnTile
        let count = panels * depthQuads * Self.columnTile * 4
        storage = .allocate(capacity: count)
        storage.initialize(repeating: 0, count: count)
        columnSums = .allocate(capacity: panels * Self.columnTile)
        columnSums.initialize(repeating: 0, count: panels * Self.columnTile)
        for j in 0..<columns {
            let column = source + j * ld
            let panelBase = storage + (j / Self.columnTile) * depthQuads * Self.columnTile * 4 + (j % Self.columnTile) * 4
            var sum: Int32 = 0
            for p in 0..<depth {
                panelBase[(p / 4) * Self.columnTile * 4 + p % 4] = column[p]
                sum += Int32(column[p])
            }
            columnSums[j] = sum
        }
    }

    deinit {
        storage.deallocate()
        columnSums.deallocate()
    }

    /// Element `(p, j)` of the packed matrix (0 in the padding).
    @inline(__always)
    func element(_ p: Int, _ j: Int) -> Int8 {
        storage[((j / Self.columnTile * depthQuads + p / 4) * Self.columnTile + j % Self.columnTile) * 4 + p % 4]
    }
}
