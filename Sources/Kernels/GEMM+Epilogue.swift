/// What happens to a GEMM result tile before it is stored: `C = act(acc [+ C] + bias [+ addend])`.
/// Bias is per row or per column of C (indices are absolute, not tile-relative); `addend` is a
/// matrix the size of C with rows `addendStride` apart (a residual connection).
public struct GEMMF32Epilogue: @unchecked Sendable {
    public var rowBias: UnsafePointer<Float>?
    public var columnBias: UnsafePointer<Float>?
    public var activation: ActivationF32
    public var addend: UnsafePointer<Float>?
    public var addendStride: Int

    public init(rowBias: UnsafePointer<Float>? = nil, columnBias: UnsafePointer<Float>? = nil,
                activation: ActivationF32 = .none, addend: UnsafePointer<Float>? = nil, addendStride: Int = 0) {
        self.rowBias = rowBias; self.columnBias = columnBias; self.activation = activation
        self.addend = addend; self.addendStride = addendStride
    }

    /// Store the plain product (or sum, when accumulating).
    public static var identity: GEMMF32Epilogue { GEMMF32Epilogue() }
}

// A tile is finished in two parts: its rows are stored as `acc [+ C] + bias [+ addend]` (full
// 16-column rows inline, so bias-only epilogues cost a few instructions per row and keep no call,
// hence no accumulator spills, in the micro-kernels; ReLU is applied there too), then `activate`
// applies any other nonlinearity in place over the stored tile in one out-of-line call. Applying
// it to the stored values gives the same bits as applying it before the store, and keeps the
// nonlinearity's code out of the micro-kernels.
extension GEMMF32Epilogue {
    /// Stores row `row` (absolute) of a tile, with ReLU but no other activation: two 8-lane
    /// halves, all 16 columns valid, starting at absolute column `column`.
    @inline(__always)
    func storeFullRow(_ lo: SIMD8<Float>, _ hi: SIMD8<Float>, row: Int, column: Int,
                      c: UnsafeMutablePointer<Float>, accumulate: Bool) {
        var lo = lo, hi = hi
        if accumulate {
            lo += loadF32x8(c)
            hi += loadF32x8(c + 8)
        }
        if let rowBias {
            lo += rowBias[row]
            hi += rowBias[row]
        }
        if let columnBias {
            lo += loadF32x8(columnBias + column)
            hi += loadF32x8(columnBias + column + 8)
        }
        if let addend {
            let a = addend + row * addendStride + column
            lo += loadF32x8(a)
            hi += loadF32x8(a + 8)
        }
        if case .relu = activation {
            lo = reluF32x8(lo)
            hi = reluF32x8(hi)
        }
        storeF32x8(lo, c)
        storeF32x8(hi, c + 8)
    }

    /// `storeFullRow` for a row with `columns` < 16 valid columns (the right edge of C).
    @inline(__always)
    func storePartialRow(_ lo: SIMD8<Float>, _ hi: SIMD8<Float>, row: Int, column: Int, columns: Int,
                         c: UnsafeMutablePointer<Float>, accumulate: Bool) {
        var lo = lo, hi = hi
        if accumulate {
            lo += loadF32x8(c, count: columns)
            hi += loadF32x8(c + 8, count: columns - 8)
        }
        if let rowBias {
            lo += rowBias[row]
            hi += rowBias[row]
        }
        if let columnBias {
            lo += loadF32x8(columnBias + column, count: columns)
            hi += loadF32x8(columnBias + column + 8, count: columns - 8)
        }
        if let addend {
            let a = addend + row * addendStride + column
            lo += loadF32x8(a, count: columns)
            hi += loadF32x8(a + 8, count: columns - 8)
        }
        if case .relu = activation {
            lo = reluF32x8(lo)
            hi = reluF32x8(hi)
        }
        storeF32x8(lo, c, count: columns)
        storeF32x8(hi, c + 8, count: columns - 8)
    }

    /// Out-of-line `storePartialRow`, for the one-row kernels.
    @inline(never)
    func storeEdgeRow(_ lo: SIMD8<Float>, _ hi: SIMD8<Float>, row: Int, column: Int, columns: Int,
                      c: UnsafeMutablePointer<Float>, accumulate: Bool) {
        storePartialRow(lo, hi, row: row, column: column, columns: columns, c: c, accumulate: accumulate)
    }

    /// Applies the activation in place to the `rows × columns` tile just stored at `c`. ReLU (one
    /// instruction) is applied by the row stores themselves.
    @inline(__always)
    func activate(c: UnsafeMutablePointer<Float>, ldc: Int, rows: Int, columns: Int) {
        switch activation {
        case .none, .relu: return
        case .sigmoid, .tanh, .gelu: activation.apply(rows: rows, columns: columns, x: c, stride: ldc)
        }
    }

    /// One finished row of a one-row kernel: stored, then the activation.
    @inline(__always)
    func store(_ lo: SIMD8<Float>, _ hi: SIMD8<Float>, row: Int, column: Int, columns: Int,
               c: UnsafeMutablePointer<Float>, accumulate: Bool) {
        if columns == 16 {
            storeFullRow(lo, hi, row: row, column: column, c: c, accumulate: accumulate)
        } else {
            storeEdgeRow(lo, hi, row: row, column: column, columns: columns, c: c, accumulate: accumulate)
        }
        activate(c: c, ldc: 0, rows: 1, columns: columns)
    }
}
