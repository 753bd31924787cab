#if arch(x86_64)
import Builtin
#endif

/// `result[i] = a[2i]·b[2i] + a[2i+1]·b[2i+1]` in Int32: the step of every int8 GEMM here.
/// Exact for every input the int8 kernels produce (operands stay within ±255 · ±127; only two
/// pairs of −32768 could wrap).
///
/// On x86_64 this is one `vpmaddwd ymm` through the LLVM intrinsic the Swift `Builtin` module
/// exposes. No formulation in plain `SIMD` types gets there once operands come from memory and
/// feed several products: LLVM either folds the widening into the loads and re-packs
/// (`vpmovsxwd` + `vpackssdw` + `vpermq` per operand) or shares the even/odd shuffles and
/// emits `vpmulld` (see GEMM+S8.swift's notes). Other architectures use that portable
/// formulation, which is correct and merely slower.
@inline(__always)
func multiplyAddAdjacentPairs(_ a: SIMD16<Int16>, _ b: SIMD16<Int16>) -> SIMD8<Int32> {
#if arch(x86_64)
    unsafeBitCast(Builtin.int_x86_avx2_pmadd_wd(a._storage._value, b._storage._value), to: SIMD8<Int32>.self)
#else
    let evenProducts = SIMD8<Int32>(truncatingIfNeeded: a.evenHalf) &* SIMD8<Int32>(truncatingIfNeeded: b.evenHalf)
    let oddProducts = SIMD8<Int32>(truncatingIfNeeded: a.oddHalf) &* SIMD8<Int32>(truncatingIfNeeded: b.oddHalf)
    return evenProducts &+ oddProducts
#endif
}

/// One adjacent Int16 pair (low half first in memory) repeated in all 16 lanes.
@inline(__always)
func broadcastPair(_ pair: Int32) -> SIMD16<Int16> {
    unsafeBitCast(SIMD8<Int32>(repeating: pair), to: SIMD16<Int16>.self)
}

/// 16 Int8 values at `p` sign-extended to Int16: one `vpmovsxbw ymm, m128` on x86_64 (the
/// `SIMD` conversion of two halves becomes two `xmm` widenings and an insert inside the kernels).
@inline(__always)
func widenedInt8x16(_ p: UnsafeRawPointer) -> SIMD16<Int16> {
    let bytes = p.loadUnaligned(as: SIMD16<Int8>.self)
#if arch(x86_64)
    return unsafeBitCast(Builtin.sext_Vec16xInt8_Vec16xInt16(bytes._storage._value), to: SIMD16<Int16>.self)
#else
    return SIMD16<Int16>(lowHalf: SIMD8<Int16>(truncatingIfNeeded: bytes.lowHalf),
                         highHalf: SIMD8<Int16>(truncatingIfNeeded: bytes.highHalf))
#endif
}
