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
