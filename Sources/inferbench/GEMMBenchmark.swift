import Engine
import Kernels

/// One GEMM problem size, `C[m×n] = A[m×k] · B[k×n]`.
struct GEMMShape: Sendable {
    var m: Int, n: Int, k: Int

    /// 256³, and the reference CNN's second convolution as im2col GEMM
    /// (11×11 output pixels, 64 output channels, 3·3·32 = 288 taps).
    static let benchmarked = [GEMMShape(m: 256, n: 256, k: 256), GEMMShape(m: 121, n: 64, k: 288)]

    var multiplyAccumulates: Double { Double(m) * Double(n) * Double(k) }
}

/// Median time of repeated calls of one GEMM, as an operation rate against the FP32 peak.
struct GEMMMeasurement {
    var kernel: String
    var dtype: String
    var shape: GEMMShape
    var medianNanoseconds: Double
    var calls: Int

    /// Two operations (multiply, add) per multiply-accumulate, in 10⁹ per second.
    var gigaOpsPerSecond: Double { 2 * shape.multiplyAccumulates / medianNanoseconds }

    func record(peakGFLOPS: Double) -> JSONLine {
        JSONLine([
            "kernel": .string("gemm"), "dtype": .string(dtype), "impl": .string(kernel),
            "m": .integer(shape.m), "n": .integer(shape.n), "k": .integer(shape.k),
            "gops": .number(gigaOpsPerSecond), "peak_fraction": .number(gigaOpsPerSecond / peakGFLOPS),
            "median_us": .number(medianNanoseconds / 1000), "calls": .integer(calls),
        ])
    }
}

/// Times `call` until at least `minimumSamples` samples and `minimumSeconds` have passed, after
/// a few warm-up calls that fault in the operands and warm the caches. A sample times enough
/// back-to-back calls to last about 1 ms, so the clock read (a system call for CPU time) costs
/// under 0.1 %; its time per call is one value of the median. Timed in thread CPU time: the
/// kernel's speed while it holds a core, even on a shared machine.
func medianCallNanoseconds(minimumSamples: Int = 20, minimumSeconds: Double = 0.3,
                           _ call: () -> Void) -> (median: Double, calls: Int) {
    for _ in 0..<3 { call() }
    let probeStart = threadCPUNanoseconds()
    call()
    let probe = max(threadCPUNanoseconds() &- probeStart, 1)
    let callsPerSample = max(1, Int(1_000_000 / probe))
    var perCall: [Double] = []
    let deadline = monotonicNanoseconds() + UInt64(minimumSeconds * 1e9)
    while perCall.count < minimumSamples || monotonicNanoseconds() < deadline {
        let start = threadCPUNanoseconds()
        for _ in 0..<callsPerSample { call() }
        perCall.append(Double(threadCPUNanoseconds() &- start) / Double(callsPerSample))
    }
    return (median(perCall), perCall.count * callsPerSample)
}

/// The FP32 GEMM entry points of `Kernels`, each timed on the same operands.
enum GEMMF32Implementation: String, CaseIterable {
    /// The scalar oracle, for scale.
    case reference = "gemmF32Reference"
    /// Row-major unpacked operands; packs both inside every call.
    case unpacked = "gemmF32"
    /// Both operands packed once before timing, as the engine holds its weights.
    case packed = "gemmF32Packed"
}

/// FP32 GEMM on row-major operands filled with seeded values in [-1, 1).
func measureGEMMF32(_ shape: GEMMShape, _ implementation: GEMMF32Implementation) -> GEMMMeasurement {
    var random = SeededRandom(seed: 0x6E6D)
    let (m, n, k) = (shape.m, shape.n, shape.k)
    let a = UnsafeMutablePointer<Float>.allocate(capacity: m * k)
    let b = UnsafeMutablePointer<Float>.allocate(capacity: k * n)
    let c = UnsafeMutablePointer<Float>.allocate(capacity: m * n)
    let packedA = UnsafeMutablePointer<Float>.allocate(capacity: gemmF32PackedASize(m: m, k: k))
    let packedB = UnsafeMutablePointer<Float>.allocate(capacity: gemmF32PackedBSize(k: k, n: n))
    defer { [a, b, c, packedA, packedB].forEach { $0.deallocate() } }
    for i in 0..<m * k { a[i] = Float.random(in: -1..<1, using: &random) }
    for i in 0..<k * n { b[i] = Float.random(in: -1..<1, using: &random) }
    packAF32(m: m, k: k, a: a, rowStride: k, columnStride: 1, into: packedA)
    packBF32(k: k, n: n, b: b, rowStride: n, columnStride: 1, into: packedB)

    let timing = switch implementation {
    case .reference:
        medianCallNanoseconds { gemmF32Reference(m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: c, ldc: n) }
    case .unpacked:
        medianCallNanoseconds { gemmF32(m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: c, ldc: n) }
    case .packed:
        medianCallNanoseconds { gemmF32Packed(m: m, n: n, k: k, packedA: packedA, packedB: packedB, c: c, ldc: n) }
    }
    return GEMMMeasurement(kernel: implementation.rawValue, dtype: "f32", shape: shape,
                           medianNanoseconds: timing.median, calls: timing.calls)
}
