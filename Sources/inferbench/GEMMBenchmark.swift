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

/// Times `call` until it has run at least `minimumCalls` times and `minimumSeconds` have passed,
/// after a few warm-up calls that fault in the operands and warm the caches. Each call is timed
/// in thread CPU time: the kernel's speed while it holds a core, even on a shared machine.
func medianCallNanoseconds(minimumCalls: Int = 20, minimumSeconds: Double = 0.3,
                           _ call: () -> Void) -> (median: Double, calls: Int) {
    for _ in 0..<3 { call() }
    var durations: [Double] = []
    let deadline = monotonicNanoseconds() + UInt64(minimumSeconds * 1e9)
    while durations.count < minimumCalls || monotonicNanoseconds() < deadline {
        let start = threadCPUNanoseconds()
        call()
        durations.append(Double(threadCPUNanoseconds() &- start))
    }
    return (median(durations), durations.count)
}

/// FP32 GEMM on row-major, unpacked operands filled with seeded values in [-1, 1).
func measureGEMMF32(_ shape: GEMMShape, kernel: String,
                    _ gemm: (GEMMShape, UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void)
    -> GEMMMeasurement {
    var random = SeededGenerator(seed: 0x6E6D)
    let a = (0..<shape.m * shape.k).map { _ in Float.random(in: -1..<1, using: &random) }
    let b = (0..<shape.k * shape.n).map { _ in Float.random(in: -1..<1, using: &random) }
    var c = [Float](repeating: 0, count: shape.m * shape.n)
    let timing = a.withUnsafeBufferPointer { a in
        b.withUnsafeBufferPointer { b in
            c.withUnsafeMutableBufferPointer { c in
                medianCallNanoseconds { gemm(shape, a.baseAddress!, b.baseAddress!, c.baseAddress!) }
            }
        }
    }
    return GEMMMeasurement(kernel: kernel, dtype: "f32", shape: shape,
                           medianNanoseconds: timing.median, calls: timing.calls)
}

/// Every FP32 GEMM entry point the kernels offer, by name.
let gemmF32Implementations: [(name: String, run: @Sendable (GEMMShape, UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void)] = [
    ("gemmF32Reference", { s, a, b, c in
        gemmF32Reference(m: s.m, n: s.n, k: s.k, a: a, lda: s.k, b: b, ldb: s.n, c: c, ldc: s.n)
    }),
]
