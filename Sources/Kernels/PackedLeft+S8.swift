/// The left operand of `gemmS8` (`rows × depth`), packed for the 6×16 micro-kernel: rows in blocks
/// of six, depth in adjacent pairs, each value minus its zero point as Int16, two to an Int32
/// (`storage[(block · depthPairs + t) · 6 + r]` holds element `(6·block + r, 2t)` in its low half
/// and `(6·block + r, 2t + 1)` in its high half). Padding rows and the odd tail of `depth` are 0.
/// Allocated once (e.g. per layer for its largest batch) and re-packed on every run.
public final class PackedLeftS8: @unchecked Sendable {
    /// Rows of the micro-kernel's tile.
    public static let rowTile = 6

    public let rows: Int
    public let depth: Int
    public let depthPairs: Int
    let storage: UnsafeMutablePointer<Int32>

    /// An all-zero operand; fill it with `pack` or `packRow` (any number of times).
    public init(rows: Int, depth: Int) {
        precondition(rows > 0 && depth > 0, "PackedLeftS8 needs positive sizes, got \(rows)×\(depth)")
        self.rows = rows
        self.depth = depth
        depthPairs = (depth + 1) / 2
        let count = (rows + Self.rowTile - 1) / Self.rowTile * Self.rowTile * depthPairs
        storage = .allocate(capacity: count)
        storage.initialize(repeating: 0, count: count)
    }

    deinit { storage.deallocate() }

    /// Packs unsigned activations `source[i · ld + p] − zeroPoint` for the first `rowCount` rows.
    public func pack(_ source: UnsafePointer<UInt8>, ld: Int, zeroPoint: Int32, rowCount: Int? = nil) {
        let count = rowCount ?? rows
        precondition(count >= 0 && count <= rows, "packing \(count) rows into \(rows)")
        for i in 0..<count { packRow(i, from: source + i * ld, zeroPoint: zeroPoint) }
    }

    /// Packs signed (zero point 0) values `source[i · ld + p]`, e.g. int8 weights `[out, in]`.
    public func pack(_ source: UnsafePointer<Int8>, ld: Int, rowCount: Int? = nil) {
        let count = rowCount ?? rows
        precondition(count >= 0 && count <= rows, "packing \(count) rows into \(rows)")
        for i in 0..<count { packRowOf(i, from: source + i * ld, zeroPoint: 0) }
    }

    /// Packs row `i` from `depth` consecutive unsigned values minus `zeroPoint`.
    public func packRow(_ i: Int, from row: UnsafePointer<UInt8>, zeroPoint: Int32) {
        packRowOf(i, from: row, zeroPoint: zeroPoint)
    }

    /// Packs row `i` from `depth` values that already had their zero point subtracted.
    public func packRow(_ i: Int, centered row: UnsafePointer<Int16>) {
        let pairs = UnsafeRawPointer(row)
        var out = storage + (i / Self.rowTile) * depthPairs * Self.rowTile + i % Self.rowTile
        for t in 0..<depth / 2 {
            out.pointee = pairs.loadUnaligned(fromByteOffset: 4 * t, as: Int32.self)
            out += Self.rowTile
        }
        if depth % 2 == 1 { out.pointee = packPair(Int32(row[depth - 1]), 0) }
    }

    @inline(__always)
    func packRowOf<T: FixedWidthInteger>(_ i: Int, from row: UnsafePointer<T>, zeroPoint: Int32) {
        var out = storage + (i / Self.rowTile) * depthPairs * Self.rowTile + i % Self.rowTile
        for t in 0..<depth / 2 {
            out.pointee = packPair(Int32(truncatingIfNeeded: row[2 * t]) &- zeroPoint,
                                   Int32(truncatingIfNeeded: row[2 * t + 1]) &- zeroPoint)
            out += Self.rowTile
        }
        if depth % 2 == 1 {
            out.pointee = packPair(Int32(truncatingIfNeeded: row[depth - 1]) &- zeroPoint, 0)
        }
    }
}

/// Two Int16 values in one Int32 lane, `low` first in (little-endian) memory.
@inline(__always)
func packPair(_ low: Int32, _ high: Int32) -> Int32 {
    (low & 0xFFFF) | (high &<< 16)
}
