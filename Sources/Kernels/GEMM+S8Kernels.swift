// Micro-kernels of `gemmS8`. Each k-step multiplies one broadcast pair of the left operand with
// 16 pairs of the right one (`vpmaddwd`: 16 multiply-adds) and adds into Int32 accumulators.
// 6×16 keeps 12 accumulators, 2 right vectors and 1 broadcast in the 16 ymm registers.

/// The twelve accumulators of a 6×16 tile: row r's columns 0–7 and 8–15.
struct AccumulatorsS8_6x16 {
    var c00 = SIMD8<Int32>(), c01 = SIMD8<Int32>(), c10 = SIMD8<Int32>(), c11 = SIMD8<Int32>()
    var c20 = SIMD8<Int32>(), c21 = SIMD8<Int32>(), c30 = SIMD8<Int32>(), c31 = SIMD8<Int32>()
    var c40 = SIMD8<Int32>(), c41 = SIMD8<Int32>(), c50 = SIMD8<Int32>(), c51 = SIMD8<Int32>()

    /// One depth pair: row r's pair `a_r` against the 16 column pairs at `b`.
    @inline(__always)
    mutating func add(_ a0: Int32, _ a1: Int32, _ a2: Int32, _ a3: Int32, _ a4: Int32, _ a5: Int32, b: UnsafeRawPointer) {
        let b0 = b.loadUnaligned(as: SIMD16<Int16>.self)
        let b1 = b.loadUnaligned(fromByteOffset: 32, as: SIMD16<Int16>.self)
        var x = broadcastPair(a0)
        c00 &+= multiplyAddAdjacentPairs(x, b0); c01 &+= multiplyAddAdjacentPairs(x, b1)
        x = broadcastPair(a1)
        c10 &+= multiplyAddAdjacentPairs(x, b0); c11 &+= multiplyAddAdjacentPairs(x, b1)
        x = broadcastPair(a2)
        c20 &+= multiplyAddAdjacentPairs(x, b0); c21 &+= multiplyAddAdjacentPairs(x, b1)
        x = broadcastPair(a3)
        c30 &+= multiplyAddAdjacentPairs(x, b0); c31 &+= multiplyAddAdjacentPairs(x, b1)
        x = broadcastPair(a4)
        c40 &+= multiplyAddAdjacentPairs(x, b0); c41 &+= multiplyAddAdjacentPairs(x, b1)
        x = broadcastPair(a5)
        c50 &+= multiplyAddAdjacentPairs(x, b0); c51 &+= multiplyAddAdjacentPairs(x, b1)
    }

    @inline(__always)
    func store(to c: UnsafeMutablePointer<Int32>, ldc: Int) {
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
}

/// A 6×16 Int32 tile: `c[i · ldc + j] = Σ_t pairDot(a[t · 6 + i], b[t · 32 + 2j ..< 2j + 2])`.
@inline(never)
func gemmS8_6x16(depthPairs: Int, a: UnsafePointer<Int32>, b: UnsafePointer<Int16>,
                 c: UnsafeMutablePointer<Int32>, ldc: Int) {
    var tile = AccumulatorsS8_6x16()
    var pa = a
    var pb = UnsafeRawPointer(b)
    for _ in 0..<depthPairs {
        tile.add(pa[0], pa[1], pa[2], pa[3], pa[4], pa[5], b: pb)
        pa += 6
        pb += 64
    }
    tile.store(to: c, ldc: ldc)
}

/// `gemmS8_6x16` with the left operand read in place: row `r`'s depth pair `t` is the two Int16
/// at `rows[r] + pairOffsets[t]` (see `conv2dS8Indirect`). One flat loop over the pairs: nested
/// segment loops spill accumulators at every segment boundary.
@inline(never)
func gemmS8Indirect_6x16(rows: UnsafePointer<UnsafePointer<Int16>>, pairOffsets: UnsafePointer<Int>, depthPairs: Int,
                         b: UnsafePointer<Int16>, c: UnsafeMutablePointer<Int32>, ldc: Int) {
    var tile = AccumulatorsS8_6x16()
    let r0 = UnsafeRawPointer(rows[0]), r1 = UnsafeRawPointer(rows[1]), r2 = UnsafeRawPointer(rows[2])
    let r3 = UnsafeRawPointer(rows[3]), r4 = UnsafeRawPointer(rows[4]), r5 = UnsafeRawPointer(rows[5])
    var pb = UnsafeRawPointer(b)
    for t in 0..<depthPairs {
        let o = 2 * pairOffsets[t]
        tile.add(r0.loadUnaligned(fromByteOffset: o, as: Int32.self), r1.loadUnaligned(fromByteOffset: o, as: Int32.self),
                 r2.loadUnaligned(fromByteOffset: o, as: Int32.self), r3.loadUnaligned(fromByteOffset: o, as: Int32.self),
                 r4.loadUnaligned(fromByteOffset: o, as: Int32.self), r5.loadUnaligned(fromByteOffset: o, as: Int32.self),
                 b: pb)
        pb += 64
    }
    tile.store(to: c, ldc: ldc)
}

/// One row of `gemmS8Indirect_6x16` against one panel: the tail of a convolution whose positions
/// leave one to three rows after the last full block of six.
@inline(never)
func gemmS8Indirect_1x16(row: UnsafePointer<Int16>, pairOffsets: UnsafePointer<Int>, depthPairs: Int,
                         b: UnsafePointer<Int16>, c: UnsafeMutablePointer<Int32>) {
    var c0 = SIMD8<Int32>(), c1 = SIMD8<Int32>()
    let r = UnsafeRawPointer(row)
    var pb = UnsafeRawPointer(b)
    for t in 0..<depthPairs {
        let x = broadcastPair(r.loadUnaligned(fromByteOffset: 2 * pairOffsets[t], as: Int32.self))
        c0 &+= multiplyAddAdjacentPairs(x, pb.loadUnaligned(as: SIMD16<Int16>.self))
        c1 &+= multiplyAddAdjacentPairs(x, pb.loadUnaligned(fromByteOffset: 32, as: SIMD16<Int16>.self))
        pb += 64
    }
    UnsafeMutableRawPointer(c).storeBytes(of: c0, as: SIMD8<Int32>.self)
    UnsafeMutableRawPointer(c).storeBytes(of: c1, toByteOffset: 32, as: SIMD8<Int32>.self)
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
    storeRow64(c, c0, c1, c2, c3, c4, c5, c6, c7)
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
    storeRow64(c, c0, c1, c2, c3, c4, c5, c6, c7)
}

/// The eight accumulators of a 1×64 row, in column order.
@inline(__always)
private func storeRow64(_ c: UnsafeMutablePointer<Int32>, _ c0: SIMD8<Int32>, _ c1: SIMD8<Int32>, _ c2: SIMD8<Int32>,
                        _ c3: SIMD8<Int32>, _ c4: SIMD8<Int32>, _ c5: SIMD8<Int32>, _ c6: SIMD8<Int32>, _ c7: SIMD8<Int32>) {
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
