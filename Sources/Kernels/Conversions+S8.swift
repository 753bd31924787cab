#if arch(x86_64)
import Builtin
#endif

// Lane conversions of the int8 epilogues. The generic `SIMD` initializers are specialized but
// not inlined inside the kernels (a call per vector, ~30 % of a requantizing epilogue); on x86_64
// these are the single LLVM casts (`vcvtdq2ps`; `vpackusdw`-style narrowing) through `Builtin`.

/// Int32 lanes to Float, rounding to nearest like `Float(_:)`.
@inline(__always)
func floatLanes(_ x: SIMD8<Int32>) -> SIMD8<Float> {
#if arch(x86_64)
    unsafeBitCast(Builtin.sitofp_Vec8xInt32_Vec8xFPIEEE32(x._storage._value), to: SIMD8<Float>.self)
#else
    SIMD8<Float>(x)
#endif
}

/// Columns `j..<j+8` of one int32 accumulator row in FP32, scaled per column and biased:
/// `Float(acc[j]) · scale[j] (+ bias[j])`, the first step of every int8 epilogue.
@inline(__always)
func scaledColumns(_ acc: UnsafeRawPointer, scale: UnsafeRawPointer, bias: UnsafeRawPointer?, at j: Int) -> SIMD8<Float> {
    let v = floatLanes(acc.loadUnaligned(fromByteOffset: 4 * j, as: SIMD8<Int32>.self))
        * scale.loadUnaligned(fromByteOffset: 4 * j, as: SIMD8<Float>.self)
    guard let bias else { return v }
    return v + bias.loadUnaligned(fromByteOffset: 4 * j, as: SIMD8<Float>.self)
}

/// The low byte of each Int32 lane.
@inline(__always)
func lowBytes(_ x: SIMD8<Int32>) -> SIMD8<UInt8> {
#if arch(x86_64)
    unsafeBitCast(Builtin.trunc_Vec8xInt32_Vec8xInt8(x._storage._value), to: SIMD8<UInt8>.self)
#else
    SIMD8<UInt8>(truncatingIfNeeded: x)
#endif
}

/// The low 16 bits of each Int32 lane.
@inline(__always)
func lowHalves(_ x: SIMD8<Int32>) -> SIMD8<Int16> {
#if arch(x86_64)
    unsafeBitCast(Builtin.trunc_Vec8xInt32_Vec8xInt16(x._storage._value), to: SIMD8<Int16>.self)
#else
    SIMD8<Int16>(truncatingIfNeeded: x)
#endif
}

/// Eight bytes at `p` zero-extended to Int32 lanes.
@inline(__always)
func widenedUInt8x8(_ p: UnsafeRawPointer) -> SIMD8<Int32> {
    let bytes = p.loadUnaligned(as: SIMD8<UInt8>.self)
#if arch(x86_64)
    return unsafeBitCast(Builtin.zext_Vec8xInt8_Vec8xInt32(bytes._storage._value), to: SIMD8<Int32>.self)
#else
    return SIMD8<Int32>(truncatingIfNeeded: bytes)
#endif
}

/// `q` clamped to [0, 255] with NaN to 0: `!(q >= 0) ? 0 : min(q, 255)` per lane. On x86_64 one
/// `vmaxps` (which returns its second operand, 0, for NaN) and one `vminps`; LLVM turns the masked
/// `replace` form into compares, packs and byte blends after the integer conversion.
@inline(__always)
func clampedToByteRange(_ q: SIMD8<Float>) -> SIMD8<Float> {
#if arch(x86_64)
    let low = Builtin.int_x86_avx_max_ps_256(q._storage._value, SIMD8<Float>(repeating: 0)._storage._value)
    return unsafeBitCast(Builtin.int_x86_avx_min_ps_256(low, SIMD8<Float>(repeating: 255)._storage._value),
                         to: SIMD8<Float>.self)
#else
    var q = q
    q.replace(with: 0, where: .!(q .>= 0))
    q.replace(with: 255, where: q .> 255)
    return q
#endif
}
