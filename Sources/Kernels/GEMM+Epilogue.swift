/// What happens to a GEMM result tile before it is stored: `C = act(acc [+ C] + bias)`.
/// Bias is per row or per column of C (indices are absolute, not tile-relative).
public struct GEMMF32Epilogue: @unchecked Sendable {
    public var rowBias: UnsafePointer<Float>?
    public var columnBias: UnsafePointer<Float>?
    public var activation: ActivationF32

    public init(rowBias: UnsafePointer<Float>? = nil, columnBias: UnsafePointer<Float>? = nil,
                activation: ActivationF32 = .none) {
        self.rowBias = rowBias; self.columnBias = columnBias; self.activation = activation
    }

    /// Store the plain product (or sum, when accumulating).
    public static var identity: GEMMF32Epilogue { GEMMF32Epilogue() }
}

extension GEMMF32Epilogue {
    /// Finishes row `row` (absolute) of a tile: two 8-lane halves starting at absolute column `column`,
    /// of which `columns` are valid, then stores them to `c`.
    @inlinable @inline(__always)
    func storeRow(_ lo: SIMD8<Float>, _ hi: SIMD8<Float>, row: Int, column: Int, columns: Int,
                  c: UnsafeMutablePointer<Float>, accumulate: Bool) {
        var lo = lo, hi = hi
        let full = columns == 16
        if accumulate {
            lo += full ? loadF32x8(c) : loadF32x8(c, count: columns)
            hi += full ? loadF32x8(c + 8) : loadF32x8(c + 8, count: columns - 8)
        }
        if let rowBias {
            lo += rowBias[row]
            hi += rowBias[row]
        }
        if let columnBias {
            let b = columnBias + column
            lo += full ? loadF32x8(b) : loadF32x8(b, count: columns)
            hi += full ? loadF32x8(b + 8) : loadF32x8(b + 8, count: columns - 8)
        }
        if case .none = activation {} else {
            lo = activation.apply(lo)
            hi = activation.apply(hi)
        }
        if full {
            storeF32x8(lo, c)
            storeF32x8(hi, c + 8)
        } else {
            storeF32x8(lo, c, count: columns)
            storeF32x8(hi, c + 8, count: columns - 8)
        }
    }
}
