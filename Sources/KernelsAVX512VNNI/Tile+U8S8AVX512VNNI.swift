#if arch(x86_64)
/// The twelve Int32 accumulators of a uint8 × int8 6×16 tile (row r's columns 0–7 and 8–15),
/// shared by `gemmU8S8_6x16_avx512vnni` (rows of `a`) and `convU8S8_6x16_avx512vnni` (windows
/// read in place). They start at `−zeroPoint · columnSums`, so after the depth steps they hold
/// `(a − zeroPoint) · W` exactly (Int32 arithmetic wraps, so the order of the terms cannot matter).
struct AccumulatorsU8S8_6x16 {
    var c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51: SIMD8<Int32>

    @inline(__always)
    init(columnSums: UnsafePointer<Int32>, zeroPoint: Int32) {
        let sums = UnsafeRawPointer(columnSums), zero = SIMD8<Int32>(repeating: zeroPoint)
        let lo = SIMD8<Int32>() &- sums.loadUnaligned(as: SIMD8<Int32>.self) &* zero
        let hi = SIMD8<Int32>() &- sums.loadUnaligned(fromByteOffset: 32, as: SIMD8<Int32>.self) &* zero
        (c00, c01, c10, c11, c20, c21) = (lo, hi, lo, hi, lo, hi)
        (c30, c31, c40, c41, c50, c51) = (lo, hi, lo, hi, lo, hi)
    }

    /// One depth quad: row r's four activation bytes (`q_r`, as one Int32) against the panel's 64
    /// bytes for this quad at `b`, 12 `vpdpbusd`.
    @inline(__always)
    mutating func add(_ q0: Int32, _ q1: Int32, _ q2: Int32, _ q3: Int32, _ q4: Int32, _ q5: Int32,
                      b: UnsafeRawPointer) {
        let b0 = b.loadUnaligned(as: SIMD8<Int32>.self), b1 = b.loadUnaligned(fromByteOffset: 32, as: SIMD8<Int32>.self)
        var x = SIMD8<Int32>(repeating: q0)
        c00 = dotQuads(c00, x, b0); c01 = dotQuads(c01, x, b1)
        x = SIMD8<Int32>(repeating: q1)
        c10 = dotQuads(c10, x, b0); c11 = dotQuads(c11, x, b1)
        x = SIMD8<Int32>(repeating: q2)
        c20 = dotQuads(c20, x, b0); c21 = dotQuads(c21, x, b1)
        x = SIMD8<Int32>(repeating: q3)
        c30 = dotQuads(c30, x, b0); c31 = dotQuads(c31, x, b1)
        x = SIMD8<Int32>(repeating: q4)
        c40 = dotQuads(c40, x, b0); c41 = dotQuads(c41, x, b1)
        x = SIMD8<Int32>(repeating: q5)
        c50 = dotQuads(c50, x, b0); c51 = dotQuads(c51, x, b1)
    }

    /// The six rows at `c`, `ldc` Int32 apart.
    @inline(__always)
    func store(to c: UnsafeMutablePointer<Int32>, ldc: Int) {
        let out = UnsafeMutableRawPointer(c), row = 4 * ldc
        out.storeBytes(of: c00, toByteOffset: 0, as: SIMD8<Int32>.self)
        out.storeBytes(of: c01, toByteOffset: 32, as: SIMD8<Int32>.self)
        out.storeBytes(of: c10, toByteOffset: row, as: SIMD8<Int32>.self)
        out.storeBytes(of: c11, toByteOffset: row + 32, as: SIMD8<Int32>.self)
        out.storeBytes(of: c20, toByteOffset: 2 * row, as: SIMD8<Int32>.self)
        out.storeBytes(of: c21, toByteOffset: 2 * row + 32, as: SIMD8<Int32>.self)
        out.storeBytes(of: c30, toByteOffset: 3 * row, as: SIMD8<Int32>.self)
        out.storeBytes(of: c31, toByteOffset: 3 * row + 32, as: SIMD8<Int32>.self)
        out.storeBytes(of: c40, toByteOffset: 4 * row, as: SIMD8<Int32>.self)
        out.storeBytes(of: c41, toByteOffset: 4 * row + 32, as: SIMD8<Int32>.self)
        out.storeBytes(of: c50, toByteOffset: 5 * row, as: SIMD8<Int32>.self)
        out.storeBytes(of: c51, toByteOffset: 5 * row + 32, as: SIMD8<Int32>.self)
    }
}
#endif
