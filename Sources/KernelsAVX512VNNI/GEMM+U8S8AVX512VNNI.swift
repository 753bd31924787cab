// The uint8 × int8 GEMM micro-kernels for CPUs with AVX512_VNNI. This module alone is compiled
// for `cascadelake` (AVX-512 F/CD/BW/DQ/VL + VNNI; Zen 4 and Ice Lake have them too); callers run
// it only after `cpu_features_has_avx512_vnni()` said yes. Each `vpdpbusd ymm` multiplies 32
// unsigned activation bytes by 32 signed weight bytes and adds each group of four products into
// one of 8 Int32 lanes: 32 multiply-adds per instruction, twice `vpmaddwd`'s 16.
//
// Operands (see Kernels' `PackedRightS8x4`): `a` holds rows of raw uint8 activations `lda` bytes
// apart, read four at a time (depth quad q of row r at `a + r·lda + 4q`); `b` is one panel of 16
// columns, quad-major: 64 bytes per quad, column j's four weights at `16·4·q + 4j`. The one-row
// kernels' stores subtract `zeroPoint · columnSums[j]` and the 6×16 tile starts from it, so
// `c = (a − zeroPoint) · W` exactly (no intermediate saturation: `vpdpbusd` is the
// non-saturating form, and the sums stay far inside Int32).
#if arch(x86_64)
import Builtin

@inline(__always)
func dotQuads(_ acc: SIMD8<Int32>, _ a: SIMD8<Int32>, _ b: SIMD8<Int32>) -> SIMD8<Int32> {
    unsafeBitCast(Builtin.int_x86_avx512_vpdpbusd_256(acc._storage._value, a._storage._value, b._storage._value),
                  to: SIMD8<Int32>.self)
}

/// Eight Int32 results minus `zeroPoint` times their column sums, stored at `c`.
@inline(__always)
func storeCorrected(_ acc: SIMD8<Int32>, sums: UnsafeRawPointer, offset: Int, zeroPoint: SIMD8<Int32>,
                    to c: UnsafeMutableRawPointer, byteOffset: Int) {
    let corrected = acc &- sums.loadUnaligned(fromByteOffset: offset, as: SIMD8<Int32>.self) &* zeroPoint
    c.storeBytes(of: corrected, toByteOffset: byteOffset, as: SIMD8<Int32>.self)
}

/// A 6×16 Int32 tile: six rows of `a` against one 16-column panel, `depthQuads` quads deep.
@inline(never)
public func gemmU8S8_6x16_avx512vnni(depthQuads: Int, a: UnsafePointer<UInt8>, lda: Int, b: UnsafePointer<Int8>,
                                     columnSums: UnsafePointer<Int32>, zeroPoint: Int32,
                                     c: UnsafeMutablePointer<Int32>, ldc: Int) {
    var tile = AccumulatorsU8S8_6x16(columnSums: columnSums, zeroPoint: zeroPoint)
    let r0 = UnsafeRawPointer(a), r1 = r0 + lda, r2 = r1 + lda, r3 = r2 + lda, r4 = r3 + lda, r5 = r4 + lda
    var pb = UnsafeRawPointer(b)
    for q in 0..<depthQuads {
        let o = 4 * q
        tile.add(r0.loadUnaligned(fromByteOffset: o, as: Int32.self), r1.loadUnaligned(fromByteOffset: o, as: Int32.self),
                 r2.loadUnaligned(fromByteOffset: o, as: Int32.self), r3.loadUnaligned(fromByteOffset: o, as: Int32.self),
                 r4.loadUnaligned(fromByteOffset: o, as: Int32.self), r5.loadUnaligned(fromByteOffset: o, as: Int32.self),
                 b: pb)
        pb += 64
    }
    tile.store(to: c, ldc: ldc)
}

/// One row against four consecutive panels (64 columns) `panelStride` bytes apart: the shape of
/// batch-1 dense layers and LSTM steps, bound by how fast the weights stream in.
@inline(never)
public func gemmU8S8_1x64_avx512vnni(depthQuads: Int, a: UnsafePointer<UInt8>, b: UnsafePointer<Int8>,
                                     panelStride: Int, columnSums: UnsafePointer<Int32>, zeroPoint: Int32,
                                     c: UnsafeMutablePointer<Int32>) {
    var c0 = SIMD8<Int32>(), c1 = SIMD8<Int32>(), c2 = SIMD8<Int32>(), c3 = SIMD8<Int32>()
    var c4 = SIMD8<Int32>(), c5 = SIMD8<Int32>(), c6 = SIMD8<Int32>(), c7 = SIMD8<Int32>()
    let r = UnsafeRawPointer(a), s = panelStride
    var pb = UnsafeRawPointer(b)
    for q in 0..<depthQuads {
        let x = SIMD8<Int32>(repeating: r.loadUnaligned(fromByteOffset: 4 * q, as: Int32.self))
        c0 = dotQuads(c0, x, pb.loadUnaligned(as: SIMD8<Int32>.self))
        c1 = dotQuads(c1, x, pb.loadUnaligned(fromByteOffset: 32, as: SIMD8<Int32>.self))
        c2 = dotQuads(c2, x, pb.loadUnaligned(fromByteOffset: s, as: SIMD8<Int32>.self))
        c3 = dotQuads(c3, x, pb.loadUnaligned(fromByteOffset: s + 32, as: SIMD8<Int32>.self))
        c4 = dotQuads(c4, x, pb.loadUnaligned(fromByteOffset: 2 * s, as: SIMD8<Int32>.self))
        c5 = dotQuads(c5, x, pb.loadUnaligned(fromByteOffset: 2 * s + 32, as: SIMD8<Int32>.self))
        c6 = dotQuads(c6, x, pb.loadUnaligned(fromByteOffset: 3 * s, as: SIMD8<Int32>.self))
        c7 = dotQuads(c7, x, pb.loadUnaligned(fromByteOffset: 3 * s + 32, as: SIMD8<Int32>.self))
        pb += 64
    }
    let sums = UnsafeRawPointer(columnSums), zero = SIMD8<Int32>(repeating: zeroPoint), out = UnsafeMutableRawPointer(c)
    storeCorrected(c0, sums: sums, offset: 0, zeroPoint: zero, to: out, byteOffset: 0)
    storeCorrected(c1, sums: sums, offset: 32, zeroPoint: zero, to: out, byteOffset: 32)
    storeCorrected(c2, sums: sums, offset: 64, zeroPoint: zero, to: out, byteOffset: 64)
    storeCorrected(c3, sums: sums, offset: 96, zeroPoint: zero, to: out, byteOffset: 96)
    storeCorrected(c4, sums: sums, offset: 128, zeroPoint: zero, to: out, byteOffset: 128)
    storeCorrected(c5, sums: sums, offset: 160, zeroPoint: zero, to: out, byteOffset: 160)
    storeCorrected(c6, sums: sums, offset: 192, zeroPoint: zero, to: out, byteOffset: 192)
    storeCorrected(c7, sums: sums, offset: 224, zeroPoint: zero, to: out, byteOffset: 224)
}

/// One row against one panel (16 columns).
@inline(never)
public func gemmU8S8_1x16_avx512vnni(depthQuads: Int, a: UnsafePointer<UInt8>, b: UnsafePointer<Int8>,
                                     columnSums: UnsafePointer<Int32>, zeroPoint: Int32, c: UnsafeMutablePointer<Int32>) {
    var c0 = SIMD8<Int32>(), c1 = SIMD8<Int32>()
    let r = UnsafeRawPointer(a)
    var pb = UnsafeRawPointer(b)
    for q in 0..<depthQuads {
        let x = SIMD8<Int32>(repeating: r.loadUnaligned(fromByteOffset: 4 * q, as: Int32.self))
        c0 = dotQuads(c0, x, pb.loadUnaligned(as: SIMD8<Int32>.self))
        c1 = dotQuads(c1, x, pb.loadUnaligned(fromByteOffset: 32, as: SIMD8<Int32>.self))
        pb += 64
    }
    let sums = UnsafeRawPointer(columnSums), zero = SIMD8<Int32>(repeating: zeroPoint), out = UnsafeMutableRawPointer(c)
    storeCorrected(c0, sums: sums, offset: 0, zeroPoint: zero, to: out, byteOffset: 0)
    storeCorrected(c1, sums: sums, offset: 32, zeroPoint: zero, to: out, byteOffset: 32)
}
#endif
