// The uint8 × int8 GEMM micro-kernels for CPUs with AVX512_VNNI. This module alone is compiled
// for `cascadelake` (AVX-512 F/CD/BW/DQ/VL + VNNI; Zen 4 and Ice Lake have them too); callers run
// it only after `cpu_features_has_avx512_vnni()` said yes. Each `vpdpbusd ymm` multiplies 32
// unsigned activation bytes by 32 signed weight bytes and adds each group of four products into
// one of 8 Int32 lanes: 32 multiply-adds per instruction, twice `vpmaddwd`'s 16.
//
// Operands (see Kernels' `PackedRightS8x4`): `a` holds rows of raw uint8 activations `lda` bytes
// apart, read four at a time (depth quad q of row r at `a + r·lda + 4q`); `b` is one panel of 16
// columns, quad-major: 64 bytes per quad, column j's four weights at `16·4·q + 4j`. The stores
// subtract `zeroPoint · columnSums[j]`, so `c = (a − zeroPoint) · W` exactly (no intermediate
// saturation: `vpdpbusd` is the non-saturating form, and the sums stay far inside Int32).
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
    var c00 = SIMD8<Int32>(), c01 = SIMD8<Int32>(), c10 = SIMD8<Int32>(), c11 = SIMD8<Int32>()
    var c20 = SIMD8<Int32>(), c21 = SIMD8<Int32>(), c30 = SIMD8<Int32>(), c31 = SIMD8<Int32>()
    var c40 = SIMD8<Int32>(), c41 = SIMD8<Int32>(), c50 = SIMD8<Int32>(), c51 = SIMD8<Int32>()
    let r0 = UnsafeRawPointer(a), r1 = r0 + lda, r2 = r1 + lda, r3 = r2 + lda, r4 = r3 + lda, r5 = r4 + lda
    var pb = UnsafeRawPointer(b)
    for q in 0..<depthQuads {
        let o = 4 * q
        let b0 = pb.loadUnaligned(as: SIMD8<Int32>.self), b1 = pb.loadUnaligned(fromByteOffset: 32, as: SIMD8<Int32>.self)
        var x = SIMD8<Int32>(repeating: r0.loadUnaligned(fromByteOffset: o, as: Int32.self))
        c00 = dotQuads(c00, x, b0); c01 = dotQuads(c01, x, b1)
        x = SIMD8<Int32>(repeating: r1.loadUnaligned(fromByteOffset: o, as: Int32.self))
        c10 = dotQuads(c10, x, b0); c11 = dotQuads(c11, x, b1)
        x = SIMD8<Int32>(repeating: r2.loadUnaligned(fromByteOffset: o, as: Int32.self))
        c20 = dotQuads(c20, x, b0); c21 = dotQuads(c21, x, b1)
        x = SIMD8<Int32>(repeating: r3.loadUnaligned(fromByteOffset: o, as: Int32.self))
        c30 = dotQuads(c30, x, b0); c31 = dotQuads(c31, x, b1)
        x = SIMD8<Int32>(repeating: r4.loadUnaligned(fromByteOffset: o, as: Int32.self))
        c40 = dotQuads(c40, x, b0); c41 = dotQuads(c41, x, b1)
        x = SIMD8<Int32>(repeating: r5.loadUnaligned(fromByteOffset: o, as: Int32.self))
        c50 = dotQuads(c50, x, b0); c51 = dotQuads(c51, x, b1)
        pb += 64
    }
    let sums = UnsafeRawPointer(columnSums), zero = SIMD8<Int32>(repeating: zeroPoint)
    let out = UnsafeMutableRawPointer(c), row = 4 * ldc
    storeCorrected(c00, sums: sums, offset: 0, zeroPoint: zero, to: out, byteOffset: 0)
    storeCorrected(c01, sums: sums, offset: 32, zeroPoint: zero, to: out, byteOffset: 32)
    storeCorrected(c10, sums: sums, offset: 0, zeroPoint: zero, to: out, byteOffset: row)
    storeCorrected(c11, sums: sums, offset: 32, zeroPoint: zero, to: out, byteOffset: row + 32)
    storeCorrected(c20, sums: sums, offset: 0, zeroPoint: zero, to: out, byteOffset: 2 * row)
    storeCorrected(c21, sums: sums, offset: 32, zeroPoint: zero, to: out, byteOffset: 2 * row + 32)
    storeCorrected(c30, sums: sums, offset: 0, zeroPoint: zero, to: out, byteOffset: 3 * row)
    storeCorrected(c31, sums: sums, offset: 32, zeroPoint: zero, to: out, byteOffset: 3 * row + 32)
    storeCorrected(c40, sums: sums, offset: 0, zeroPoint: zero, to: out, byteOffset: 4 * row)
    storeCorrected(c41, sums: sums, offset: 32, zeroPoint: zero, to: out, byteOffset: 4 * row + 32)
    storeCorrected(c50, sums: sums, offset: 0, zeroPoint: zero, to: out, byteOffset: 5 * row)
    storeCorrected(c51, sums: sums, offset: 32, zeroPoint: zero, to: out, byteOffset: 5 * row + 32)
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
