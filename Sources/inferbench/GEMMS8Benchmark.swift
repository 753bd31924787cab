import Engine
import Kernels

/// The int8 GEMM entry points of `Kernels` (uint8 activations with a zero point times int8
/// weights, int32 results), each timed on the same operands.
enum GEMMS8Implementation: String, CaseIterable {
    /// The scalar oracle, for scale.
    case reference = "gemmS8Reference"
    /// Row-major unpacked operands; packs both inside every call.
    case unpacked = "gemmS8"
    /// Both operands packed once before timing (`PackedLeftS8`, `PackedRightS8`).
    case packed = "gemmS8Packed"
    /// Raw uint8 rows against weights packed once in quads (`PackedRightS8x4`): AVX512_VNNI
    /// `vpdpbusd` where the CPU has it, else the scalar fallback (then the line says so).
    case quads = "gemmU8S8"

    /// The entry points this machine can time meaningfully.
    static var runnable: [GEMMS8Implementation] {
        Int8GEMMKernels.avx512VNNIIsSupported ? allCases : allCases.filter { $0 != .quads }
    }
}

/// Int8 GEMM on row-major operands with seeded values over the full uint8/int8 ranges.
func measureGEMMS8(_ shape: GEMMShape, _ implementation: GEMMS8Implementation) -> GEMMMeasurement {
    var random = SeededRandom(seed: 0x5338)
    let (m, n, k) = (shape.m, shape.n, shape.k)
    let zeroPoint: Int32 = 128
    let a = UnsafeMutablePointer<UInt8>.allocate(capacity: m * k)
    let b = UnsafeMutablePointer<Int8>.allocate(capacity: k * n)
    let c = UnsafeMutablePointer<Int32>.allocate(capacity: m * n)
    defer { a.deallocate(); b.deallocate(); c.deallocate() }
    for i in 0..<m * k { a[i] = UInt8.random(in: .min ... .max, using: &random) }
    for i in 0..<k * n { b[i] = Int8.random(in: -127 ... 127, using: &random) }
    let left = PackedLeftS8(rows: m, depth: k)
    left.pack(a, ld: k, zeroPoint: zeroPoint)
    let right = PackedRightS8(depth: k, columns: n)
    right.pack(b, ld: n)
    let quadDepth = (k + 3) / 4 * 4
    let rows = UnsafeMutablePointer<UInt8>.allocate(capacity: m * quadDepth)
    let columns = UnsafeMutablePointer<Int8>.allocate(capacity: n * k)
    defer { rows.deallocate(); columns.deallocate() }
    rows.initialize(repeating: 0, count: m * quadDepth)
    for i in 0..<m { (rows + i * quadDepth).update(from: a + i * k, count: k) }
    for p in 0..<k { for j in 0..<n { columns[j * k + p] = b[p * n + j] } }
    let quads = PackedRightS8x4(transposed: columns, ld: k, depth: k, columns: n)

    let timing = switch implementation {
    case .reference:
        medianCallNanoseconds {
            gemmS8Reference(m: m, n: n, k: k, a: a, lda: k, aZeroPoint: zeroPoint, b: b, ldb: n, c: c, ldc: n)
        }
    case .unpacked:
        medianCallNanoseconds {
            gemmS8(m: m, n: n, k: k, a: a, lda: k, aZeroPoint: zeroPoint, b: b, ldb: n, c: c, ldc: n)
        }
    case .packed:
        medianCallNanoseconds { gemmS8(left: left, right: right, c: c, ldc: n) }
    case .quads:
        medianCallNanoseconds {
            gemmU8S8(rows: m, a: rows, lda: quadDepth, zeroPoint: zeroPoint, right: quads, c: c, ldc: n)
        }
    }
    return GEMMMeasurement(kernel: implementation.rawValue, dtype: "s8", shape: shape,
                           medianNanoseconds: timing.median, calls: timing.calls)
}
