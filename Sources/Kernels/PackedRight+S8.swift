/// The right operand of `gemmS8` (`depth × columns`), packed for the micro-kernels: columns in
/// panels of 16, depth in adjacent pairs, each value minus its zero point as Int16
/// (`storage[((panel · depthPairs + t) · 16 + j) · 2 + e]` holds element `(2t + e, 16·panel + j)`).
/// Padding columns and the odd tail of `depth` are 0.
public final class PackedRightS8: @unchecked Sendable {
    /// Columns of one panel (two 8-lane Int32 accumulators).
    public static let columnTile = 16

    public let depth: Int
    public let columns: Int
    public let depthPairs: Int
    let panels: Int
    let storage: UnsafeMutablePointer<Int16>
    /// The same values as Int8 when they all fit (signed weights): single-row products stream
    /// half the bytes and widen in registers. Nil after packing unsigned activations.
    private(set) var narrow: UnsafeMutablePointer<Int8>?

    /// An all-zero operand; fill it with one of the `pack` methods (any number of times).
    public init(depth: Int, columns: Int) {
        precondition(depth > 0 && columns > 0, "PackedRightS8 needs positive sizes, got \(depth)×\(columns)")
        self.depth = depth
        self.columns = columns
        depthPairs = (depth + 1) / 2
        panels = (columns + Self.columnTile - 1) / Self.columnTile
        let count = panels * depthPairs * Self.columnTile * 2
        storage = .allocate(capacity: count)
        storage.initialize(repeating: 0, count: count)
    }

    deinit {
        storage.deallocate()
        narrow?.deallocate()
    }

    /// Keeps (or drops) the Int8 copy of `storage` after a pack.
    private func updateNarrowCopy(valuesFitInt8: Bool) {
        guard valuesFitInt8 else {
            narrow?.deallocate()
            narrow = nil
            return
        }
        let count = panels * depthPairs * Self.columnTile * 2
        let copy = narrow ?? .allocate(capacity: count)
        for i in 0..<count { copy[i] = Int8(truncatingIfNeeded: storage[i]) }
        narrow = copy
    }

    /// Packs row-major unsigned activations: element `(p, j)` is `source[p · ld + j] - zeroPoint`.
    public func pack(_ source: UnsafePointer<UInt8>, ld: Int, zeroPoint: Int32) {
        packRows(source, ld: ld, zeroPoint: zeroPoint)
        updateNarrowCopy(valuesFitInt8: false)
    }

    /// Packs row-major signed values: element `(p, j)` is `source[p · ld + j]`.
    public func pack(_ source: UnsafePointer<Int8>, ld: Int) {
        packRows(source, ld: ld, zeroPoint: 0)
        updateNarrowCopy(valuesFitInt8: true)
    }

    /// Packs signed values stored transposed, e.g. weights `[out, in]` as the right operand
    /// of `x · Wᵀ`: element `(p, j)` is `source[j · ld + p]`.
    public func pack(transposed source: UnsafePointer<Int8>, ld: Int) {
        for j in 0..<columns {
            let column = source + j * ld
            var out = storage + ((j / Self.columnTile) * depthPairs * Self.columnTile + j % Self.columnTile) * 2
            for p in 0..<depth {
                out[p % 2] = Int16(column[p])
                if p % 2 == 1 { out += Self.columnTile * 2 }
            }
        }
        updateNarrowCopy(valuesFitInt8: true)
    }

    @inline(__always)
    private func packRows<T: FixedWidthInteger>(_ source: UnsafePointer<T>, ld: Int, zeroPoint: Int32) {
        let zero = SIMD8<Int32>(repeating: zeroPoint)
        let fullPanels = columns / Self.columnTile
        for t in 0..<depthPairs {
            let row0 = source + 2 * t * ld
            let hasRow1 = 2 * t + 1 < depth
            let row1 = hasRow1 ? row0 + ld : row0
            for panel in 0..<panels {
                let out = UnsafeMutableRawPointer(storage + (panel * depthPairs + t) * Self.columnTile * 2)
                let j0 = panel * Self.columnTile
                if panel < fullPanels {
                    for half in 0..<2 {
                        let low = widen(UnsafeRawPointer(row0 + j0 + 8 * half), as: T.self) &- zero
                        var high = widen(UnsafeRawPointer(row1 + j0 + 8 * half), as: T.self) &- zero
                        if !hasRow1 { high = .zero }
                        let pairs = (low & 0xFFFF) | (high &<< 16)
                        out.storeBytes(of: pairs, toByteOffset: 32 * half, as: SIMD8<Int32>.self)
                    }
                } else {
                    let pairs = out.assumingMemoryBound(to: Int32.self)
                    for j in 0..<Self.columnTile {
                        guard j0 + j < columns else { pairs[j] = 0; continue }
                        let low = Int32(truncatingIfNeeded: row0[j0 + j]) &- zeroPoint
                        let high = hasRow1 ? Int32(truncatingIfNeeded: row1[j0 + j]) &- zeroPoint : 0
                        pairs[j] = packPair(low, high)
                    }
                }
            }
        }
    }
}

/// Eight consecutive 8-bit values at `pointer`, sign- or zero-extended by `T`.
@inline(__always)
private func widen<T: FixedWidthInteger>(_ pointer: UnsafeRawPointer, as: T.Type) -> SIMD8<Int32> {
    if T.isSigned {
        SIMD8<Int32>(truncatingIfNeeded: pointer.loadUnaligned(as: SIMD8<Int8>.self))
    } else {
        SIMD8<Int32>(truncatingIfNeeded: pointer.loadUnaligned(as: SIMD8<UInt8>.self))
    }
}
