// The uint8 × int8 convolution tile for CPUs with AVX512_VNNI: six output positions' windows are
// read in place from a channels-last uint8 image (no im2col rows), one kernel row ("segment") at
// a time. Segment s of position i starts at `image + offsets[i] + s · segmentStride` and is
// `segmentQuads` quads long; the packed weights (one 16-column panel, quad-major as in
// `gemmU8S8_6x16_avx512vnni`) hold zeros for the bytes a segment reads past its kernel row, so
// whatever those bytes are adds nothing. The accumulators start at `−zeroPoint · columnSums`, so
// the tile holds `(a − zeroPoint) · W` exactly.
#if arch(x86_64)

/// A 6×16 Int32 tile of a convolution: six positions (`offsets[0..<6]`) against one panel.
@inline(never)
public func convU8S8_6x16_avx512vnni(segments: Int, segmentQuads: Int, segmentStride: Int,
                                     image: UnsafePointer<UInt8>, offsets: UnsafePointer<Int>,
                                     b: UnsafePointer<Int8>, columnSums: UnsafePointer<Int32>, zeroPoint: Int32,
                                     c: UnsafeMutablePointer<Int32>, ldc: Int) {
    var tile = AccumulatorsU8S8_6x16(columnSums: columnSums, zeroPoint: zeroPoint)
    let base = UnsafeRawPointer(image)
    var r0 = base + offsets[0], r1 = base + offsets[1], r2 = base + offsets[2]
    var r3 = base + offsets[3], r4 = base + offsets[4], r5 = base + offsets[5]
    var pb = UnsafeRawPointer(b)
    for _ in 0..<segments {
        for q in 0..<segmentQuads {
            let o = 4 * q
            tile.add(r0.loadUnaligned(fromByteOffset: o, as: Int32.self), r1.loadUnaligned(fromByteOffset: o, as: Int32.self),
                     r2.loadUnaligned(fromByteOffset: o, as: Int32.self), r3.loadUnaligned(fromByteOffset: o, as: Int32.self),
                     r4.loadUnaligned(fromByteOffset: o, as: Int32.self), r5.loadUnaligned(fromByteOffset: o, as: Int32.self),
                     b: pb)
            pb += 64
        }
        r0 += segmentStride; r1 += segmentStride; r2 += segmentStride
        r3 += segmentStride; r4 += segmentStride; r5 += segmentStride
    }
    tile.store(to: c, ldc: ldc)
}

/// The same for three positions (`offsets[0..<3]`): a last tile with at most three positions left
/// (cnn conv2's 121 = 20·6 + 1, conv3's 9 = 6 + 3) multiplies half the rows a 6-row tile would.
@inline(never)
public func convU8S8_3x16_avx512vnni(segments: Int, segmentQuads: Int, segmentStride: Int,
                                     image: UnsafePointer<UInt8>, offsets: UnsafePointer<Int>,
                                     b: UnsafePointer<Int8>, columnSums: UnsafePointer<Int32>, zeroPoint: Int32,
                                     c: UnsafeMutablePointer<Int32>, ldc: Int) {
    let sums = UnsafeRawPointer(columnSums), zero = SIMD8<Int32>(repeating: zeroPoint)
    let start0 = SIMD8<Int32>() &- sums.loadUnaligned(as: SIMD8<Int32>.self) &* zero
    let start1 = SIMD8<Int32>() &- sums.loadUnaligned(fromByteOffset: 32, as: SIMD8<Int32>.self) &* zero
    var c00 = start0, c01 = start1, c10 = start0, c11 = start1, c20 = start0, c21 = start1
    let base = UnsafeRawPointer(image)
    var r0 = base + offsets[0], r1 = base + offsets[1], r2 = base + offsets[2]
    var pb = UnsafeRawPointer(b)
    for _ in 0..<segments {
        for q in 0..<segmentQuads {
            let o = 4 * q
            let b0 = pb.loadUnaligned(as: SIMD8<Int32>.self)
            let b1 = pb.loadUnaligned(fromByteOffset: 32, as: SIMD8<Int32>.self)
            var x = SIMD8<Int32>(repeating: r0.loadUnaligned(fromByteOffset: o, as: Int32.self))
            c00 = dotQuads(c00, x, b0); c01 = dotQuads(c01, x, b1)
            x = SIMD8<Int32>(repeating: r1.loadUnaligned(fromByteOffset: o, as: Int32.self))
            c10 = dotQuads(c10, x, b0); c11 = dotQuads(c11, x, b1)
            x = SIMD8<Int32>(repeating: r2.loadUnaligned(fromByteOffset: o, as: Int32.self))
            c20 = dotQuads(c20, x, b0); c21 = dotQuads(c21, x, b1)
            pb += 64
        }
        r0 += segmentStride; r1 += segmentStride; r2 += segmentStride
    }
    let out = UnsafeMutableRawPointer(c), row = 4 * ldc
    out.storeBytes(of: c00, toByteOffset: 0, as: SIMD8<Int32>.self)
    out.storeBytes(of: c01, toByteOffset: 32, as: SIMD8<Int32>.self)
    out.storeBytes(of: c10, toByteOffset: row, as: SIMD8<Int32>.self)
    out.storeBytes(of: c11, toByteOffset: row + 32, as: SIMD8<Int32>.self)
    out.storeBytes(of: c20, toByteOffset: 2 * row, as: SIMD8<Int32>.self)
    out.storeBytes(of: c21, toByteOffset: 2 * row + 32, as: SIMD8<Int32>.self)
}
#endif
