import CCPUFeatures
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The int8 GEMM kernel family a process runs, chosen once from the CPU. Both compute the same
/// Int32 sums bit for bit, so a model's outputs do not depend on the choice, only its speed.
public enum Int8GEMMKernels: String, Sendable, CaseIterable {
    /// Operands centered on their zero points as Int16 pairs, `vpmaddwd` on AVX2 (portable SIMD
    /// elsewhere): `gemmS8`. Runs everywhere.
    case int16Pairs = "int16-pairs"
    /// Raw uint8 activations × int8 weights in quads, AVX512_VNNI `vpdpbusd` (32 multiply-adds per
    /// instruction): `gemmU8S8`. Only where `avx512VNNIIsSupported`.
    case avx512VNNI = "avx512vnni"

    /// Whether this CPU (and OS) runs the AVX512_VNNI kernels.
    public static let avx512VNNIIsSupported = cpu_features_has_avx512_vnni() != 0

    /// The family models use: `avx512VNNI` where supported. The environment variable
    /// `INFERD_INT8_KERNELS=int16-pairs` forces the AVX2 family (to compare them, or to rule one out).
    public static let selected: Int8GEMMKernels = {
        let requested = getenv("INFERD_INT8_KERNELS").flatMap { Int8GEMMKernels(rawValue: String(cString: $0)) }
        if requested == .int16Pairs || !avx512VNNIIsSupported { return .int16Pairs }
        return .avx512VNNI
    }()
}
