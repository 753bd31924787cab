// Micro-kernels of `gemmS8`. Each k-step multiplies one broadcast pair of the left operand with
// 16 pairs of the right one (`vpmaddwd`: 16 multiply-adds) and adds into Int32 accumulators.
// 6×16 keeps 12 accumulators, 2 right vectors and 1 broadcast in the 16 ymm registers.

/// A 6×16 Int32 tile: `c[i · ldc + j] = Σ_t pairDot(a[t · 6 + i], b[t · 32 + 2j ..< 2j + 2])`.
@inline(never)
func gemmS8_6x16(depthPairs: Int, a: UnsafePointer<Int32>, b: UnsafePointer<Int16>,
                 c: UnsafeMutablePointer<Int32>, ldc: Int) {
    var c00 = SIMD8<Int32>(), c01 = SIMD8<Int32>(), c10 = SIMD8<Int32>(), c11 = SIMD8<Int32>()
    var c20 = SIMD8<Int32>(), c21 = SIMD8<Int32>(), c30 = SIMD8<Int32>(), c31 = SIMD8<Int32>()
    var c40 = SIMD8<Int32>(), c41 = SIMD8<Int32>(), c50 = SIMD8<Int32>(), c51 = SIMD8<Int32>()
    var pa = a
    var pb = UnsafeRawPointer(b)
    for _ in 0..<depthPairs {
        let b0 = pb.loadUnaligned(as: SIMD16<Int16>.self)
        let b1 = pb.loadUnaligned(fromByteOffset: 32, as: SIMD16<Int16>.self)
        var x = broadcastPair(pa[0])
        c00 &+= multiplyAddAdjacentPairs(x, b0); c01 &+= multiplyAddAdjacentPairs(x, b1)
        x = broadcastPair(pa[1])
        c10 &+= multiplyAddAdjacentPairs(x, b0); c11 &+= multiplyAddAdjacentPairs(x, b1)
        x = broadcastPair(pa[2])
        c20 &+= multiplyAddAdjacentPairs(x, b0); c21 &+= multiplyAddAdjacentPairs(x, b1)
        x = broadcastPair(pa[3])
        c30 &+= multiplyAddAdjacentPairs(x, b0); c31 &+= multiplyAddAdjacentPairs(x, b1)
        x = broadcastPair(pa[4])
        c40 &+= multiplyAddAdjacentPairs(x, b0); c41 &+= multiplyAddAdjacentPairs(x, b1)
        x = broadcastPair(pa[5])
        c50 &+= multiplyAddAdjacentPairs(x, b0); c51 &+= multiplyAddAdjacentPairs(x, b1)
        pa += 6
        pb += 64
    }
    let out = UnsafeMutableRawPointer(c), row = 4 * ldc
    out.storeBytes(of: c00, as: SIMD8<Int32>.self)
    out.storeBytes(of: c01, toByteOffset: 32, as: SIMD8<Int32>.self)
    out.storeBytes(of: c10, toByteOffset: row, as: SIMD8<Int32>.self)
    out.storeBytes(of: c11, toByteOffset: row + 32, as: SIMD8<Int32>.self)
    out.storeBytes(of: c20, toByteOffset: 2 * row, as: SIMD8<Int32>.self)
    out.storeBytes(of: c21, toByteOffset: 2 * row + 32, as: SIMD8<Int32>.self)
    out.storeBytes(of: c30, toByteOffset: 3 * row, as: SIMD8<Int32>.self)
    out.storeBytes(of: c31, toByteOffset: 3 * row + 32, as: SIMD8<Int32>.self)
    out.storeBytes(of: c40, toByteOffset: 4 * row, as: SIMD8<Int32>.self)
    out.storeBytes(of: c41, toByteOffset: 4 * row + 32, as: SIMD8<Int32>.self)
    out.storeBytes(of: c50, toByteOffset: 5 * row, as: SIMD8<Int32>.self)
    out.storeBytes(of: c51, toByteOffset: 5 * row + 32, as: SIMD8<Int32>.self)
}

/// One row against four consecutive panels (64 columns), `panelStride` Int16 apart.
@inline(never)
func gemmS8_1x64(depthPairs: Int, a: UnsafePointer<Int32>, aStride: Int, b: UnsafePointer<Int16>,
                 panelStride: Int, c: UnsafeMutablePointer<Int32>) {
    var c0 = SIMD8<Int32>(), c1 = SIMD8<Int32>(), c2 = SIMD8<Int32>(), c3 = SIMD8<Int32>()
    var c4 = SIMD8<Int32>(), c5 = SIMD8<Int32>(), c6 = SIMD8<Int32>(), c7 = SIMD8<Int32>()
    var pa = a
    var pb = UnsafeRawPointer(b)
    let s = 2 * panelStride
    for _ in 0..<depthPairs {
        let x = broadcastPair(pa.pointee)
        c0 &+= multiplyAddAdjacentPairs(x, pb.loadUnaligned(as: SIMD16<Int16>.self))
        c1 &+= multiplyAddAdjacentPairs(x, pb.loadUnaligned(fromByteOffset: 32, as: SIMD16<Int16>.self))
        c2 &+= multiplyAddAdjacentPairs(x, pb.loadUnaligned(fromByteOffset: s, as: SIMD16<Int16>.self))
        c3 &+= multiplyAddAdjacentPairs(x, pb.loadUnaligned(fromByteOffset: s + 32, as: SIMD16<Int16>.self))
        c4 &+= multiplyAddAdjacentPairs(x, pb.loadUnaligned(fromByteOffset: 2 * s, as: SIMD16<Int16>.self))
        c5 &+= multiplyAddAdjacentPairs(x, pb.loadUnaligned(fromByteOffset: 2 * s + 32, as: SIMD16<Int16>.self))
        c6 &+= multiplyAddAdjacentPairs(x, pb.loadUnaligned(fromByteOffset: 3 * s, as: SIMD16<Int16>.self))
        c7 &+= multiplyAddAdjacentPairs(x, pb.loadUnaligned(fromByteOffset: 3 * s + 32, as: SIMD16<Int16>.self))
        pa += aStride
        pb += 64
    }
    let out = UnsafeMutableRawPointer(c)
    out.storeBytes(of: c0, toByteOffset: 0, as: SIMD8<Int32>.self)
    out.storeBytes(of: c1, toByteOffset: 32, as: SIMD8<Int32>.self)
    out.storeBytes(of: c2, toByteOffset: 64, as: SIMD8<Int32>.self)
    out.storeBytes(of: c3, toByteOffset: 96, as: SIMD8<Int32>.self)
    out.storeBytes(of: c4, toByteOffset: 128, as: SIMD8<Int32>.self)
    out.storeBytes(of: c5, toByteOffset: 160, as: SIMD8<Int32>.self)
    out.storeBytes(of: c6, toByteOffset: 192, as: SIMD8<Int32>.self)
    out.storeBytes(of: c7, toByteOffset: 224, as: SIMD8<Int32>.self)
}

/// One row against one panel (16 columns).
@inline(never)
func gemmS8_1x16(depthPairs: Int, a: UnsafePointer<Int32>, aStride: Int, b: UnsafePointer<Int16>,
                 c: UnsafeMutablePointer<Int32>) {
    var c0 = SIMD8<Int32>(), c1 = SIMD8<Int32>()
    var pa = a
    var pb = UnsafeRawPointer(b)
    for _ in 0..<depthPairs {
        let x = broadcastPair(pa.pointee)
        c0 &+= multiplyAddAdjacentPairs(x, pb.loadUnaligned(as: SIMD16<Int16>.self))
        c1 &+= multiplyAddAdjacentPairs(x, pb.loadUnaligned(fromByteOffset: 32, as: SIMD16<Int16>.self))
        pa += aStride
        pb += 64
    }
    UnsafeMutableRawPointer(c).storeBytes(of: c0, as: SIMD8<Int32>.self)
    UnsafeMutableRawPointer(c).storeBytes(of: c1, toByteOffset: 32, as: SIMD8<Int32>.self)
}

/// `gemmS8_1x64` reading the right operand's Int8 copy (`PackedRightS8.narrow`): half the bytes
/// per step, widened with `vpmovsxbw`. Single rows are bound by how fast the weights stream in.
@inline(never)
func gemmS8_1x64Narrow(depthPairs: Int, a: UnsafePointer<Int32>, aStride: Int, b: UnsafePointer<Int8>,
                       panelStride: Int, c: UnsafeMutablePointer<Int32>) {
    var c0 = SIMD8<Int32>(), c1 = SIMD8<Int32>(), c2 = SIMD8<Int32>(), c3 = SIMD8<Int32>()
    var c4 = SIMD8<Int32>(), c5 = SIMD8<Int32>(), c6 = SIMD8<Int32>(), c7 = SIMD8<Int32>()
    var pa = a
    var pb = UnsafeRawPointer(b)
    let s = panelStride
    for _ in 0..<depthPairs {
        let x = broadcastPair(pa.pointee)
        c0 &+= multiplyAddAdjacentPairs(x, widenedInt8x16(pb))
        c1 &+= multiplyAddAdjacentPairs(x, widenedInt8x16(pb + 16))
        c2 &+= multiplyAddAdjacentPairs(x, widenedInt8x16(pb + s))
        c3 &+= multiplyAddAdjacentPairs(x, widenedInt8x16(pb + s + 16))
        c4 &+= multiplyAddAdjacentPairs(x, widenedInt8x16(pb + 2 * s))
        c5 &+= multiplyAddAdjacentPairs(x, widenedInt8x16(pb + 2 * s + 16))
        c6 &+= multiplyAddAdjacentPairs(x, widenedInt8x16(pb + 3 * s))
        c7 &+= multiplyAddAdjacentPairs(x, widenedInt8x16(pb + 3 * s + 16))
        pa += aStride
        pb += 32
    }
    let out = UnsafeMutableRawPointer(c)
    out.storeBytes(of: c0, toByteOffset: 0, as: SIMD8<Int32>.self)
    out.storeBytes(of: c1, toByteOffset: 32, as: SIMD8<Int32>.self)
    out.storeBytes(of: c2, toByteOffset: 64, as: SIMD8<Int32>.self)
    out.storeBytes(of: c3, toByteOffset: 96, as: SIMD8<Int32>.self)
    out.storeBytes(of: c4, toByteOffset: 128, as: SIMD8<Int32>.self)
    out.storeBytes(of: c5, toByteOffset: 160, as: SIMD8<Int32>.self)
    out.storeBytes(of: c6, toByteOffset: 192, as: SIMD8<Int32>.self)
    out.storeBytes(of: c7, toByteOffset: 224, as: SIMD8<Int32>.self)
}


/// `gemmS8_6x16` with the left operand read in place: row `r`'s depth pair `t` of segment `s` is
/// the two Int16 at `rows[r] + offsets[s] + 2t` (see `conv2dS8Indirect`).
@inline(never)
func gemmS8Indirect_6x16(rows: UnsafePointer<UnsafePointer<Int16>>, offsets: UnsafePointer<Int>, segments: Int,
                         segmentPairs: Int, b: UnsafePointer<Int16>, c: UnsafeMutablePointer<Int32>, ldc: Int) {
    var c00 = SIMD8<Int32>(), c01 = SIMD8<Int32>(), c10 = SIMD8<Int32>(), c11 = SIMD8<Int32>()
    var c20 = SIMD8<Int32>(), c21 = SIMD8<Int32>(), c30 = SIMD8<Int32>(), c31 = SIMD8<Int32>()
    var c40 = SIMD8<Int32>(), c41 = SIMD8<Int32>(), c50 = SIMD8<Int32>(), c51 = SIMD8<Int32>()
    let r0 = UnsafeRawPointer(rows[0]), r1 = UnsafeRawPointer(rows[1]), r2 = UnsafeRawPointer(rows[2])
    let r3 = UnsafeRawPointer(rows[3]), r4 = UnsafeRawPointer(rows[4]), r5 = UnsafeRawPointer(rows[5])
    var pb = UnsafeRawPointer(b)
    for s in 0..<segments {
        var o = 2 * offsets[s]
        for _ in 0..<segmentPairs {
            let b0 = pb.loadUnaligned(as: SIMD16<Int16>.self)
            let b1 = pb.loadUnaligned(fromByteOffset: 32, as: SIMD16<Int16>.self)
            var x = broadcastPair(r0.loadUnaligned(fromByteOffset: o, as: Int32.self))
            c00 &+= multiplyAddAdjacentPairs(x, b0); c01 &+= multiplyAddAdjacentPairs(x, b1)
            x = broadcastPair(r1.loadUnaligned(fromByteOffset: o, as: Int32.self))
            c10 &+= multiplyAddAdjacentPairs(x, b0); c11 &+= multiplyAddAdjacentPairs(x, b1)
            x = broadcastPair(r2.loadUnaligned(fromByteOffset: o, as: Int32.self))
            c20 &+= multiplyAddAdjacentPairs(x, b0); c21 &+= multiplyAddAdjacentPairs(x, b1)
            x = broadcastPair(r3.loadUnaligned(fromByteOffset: o, as: Int32.self))
            c30 &+= multiplyAddAdjacentPairs(x, b0); c31 &+= multiplyAddAdjacentPairs(x, b1)
            x = broadcastPair(r4.loadUnaligned(fromByteOffset: o, as: Int32.self))
            c40 &+= multiplyAddAdjacentPairs(x, b0); c41 &+= multiplyAddAdjacentPairs(x, b1)
            x = broadcastPair(r5.loadUnaligned(fromByteOffset: o, as: Int32.self))
            c50 &+= multiplyAddAdjacentPairs(x, b0); c51 &+= multiplyAddAdjacentPairs(x, b1)
            o += 4
            pb += 64
        }
    }
    let out = UnsafeMutableRawPointer(c), row = 4 * ldc
    out.storeBytes(of: c00, as: SIMD8<Int32>.self)
    out.storeBytes(of: c01, toByteOffset: 32, as: SIMD8<Int32>.self)
    out.storeBytes(of: c10, toByteOffset: row, as: SIMD8<Int32>.self)
    out.storeBytes(of: c11, toByteOffset: row + 32, as: SIMD8<Int32>.self)
    out.storeBytes(of: c20, toByteOffset: 2 * row, as: SIMD8<Int32>.self)
    out.storeBytes(of: c21, toByteOffset: 2 * row + 32, as: SIMD8<Int32>.self)
    out.storeBytes(of: c30, toByteOffset: 3 * row, as: SIMD8<Int32>.self)
    out.storeBytes(of: c31, toByteOffset: 3 * row + 32, as: SIMD8<Int32>.self)
    out.storeBytes(of: c40, toByteOffset: 4 * row, as: SIMD8<Int32>.self)
    out.storeBytes(of: c41, toByteOffset: 4 * row + 32, as: SIMD8<Int32>.self)
    out.storeBytes(of: c50, toByteOffset: 5 * row, as: SIMD8<Int32>.self)
    out.storeBytes(of: c51, toByteOffset: 5 * row + 32, as: SIMD8<Int32>.self)
}
