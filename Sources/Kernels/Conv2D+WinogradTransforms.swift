// The input and output transforms of `conv2dWinogradF32`, eight channels per vector. Each has a
// whole-vector path (all eight lanes valid; for the input also contiguous channels) written
// with plain loads and stores, and a lane-by-lane path for the rest: one body with partial
// loads for both made LLVM emit a scalar fallback per load and spill (the transforms took a
// third of the convolution).

/// `V_ξ[tile][c]` for all tiles: `Bᵀ d B` of each tile's 4×4 input patch.
func winogradInputTransformF32(_ w: WinogradConv2DF32, x: UnsafePointer<Float>, into v: UnsafeMutablePointer<Float>) {
    let g = w.geometry, cin = g.channels, matrix = w.tiles &* cin
    let rs = g.rowStride, cs = g.columnStride, chs = g.channelStride
    for ty in 0..<w.tilesY {
        for tx in 0..<w.tilesX {
            let y0 = 2 &* ty &- g.padY, x0 = 2 &* tx &- g.padX
            let interior = y0 >= 0 && x0 >= 0 && y0 &+ 4 <= g.height && x0 &+ 4 <= g.width
            let out = v + (ty &* w.tilesX &+ tx) &* cin
            var c = 0
            while c < cin {
                let lanes = min(8, cin &- c), corner = x + (y0 &* rs &+ x0 &* cs &+ c &* chs)
                let base = out + c
                if lanes == 8 && chs == 1 {
                    if interior {
                        winogradInputTile({ i, j in loadF32x8(corner + (i &* rs &+ j &* cs)) },
                                          { xi, value in storeF32x8(value, base + xi &* matrix) })
                    } else {
                        winogradInputTile({ i, j in
                            let iy = y0 &+ i, ix = x0 &+ j
                            guard iy >= 0 && iy < g.height && ix >= 0 && ix < g.width else { return SIMD8() }
                            return loadF32x8(corner + (i &* rs &+ j &* cs))
                        }, { xi, value in storeF32x8(value, base + xi &* matrix) })
                    }
                } else {
                    winogradInputTileLanes(g, corner: corner, y0: y0, x0: x0, lanes: lanes, base: base, matrix: matrix)
                }
                c &+= 8
            }
        }
    }
}

/// The lane-by-lane input tile: fewer than eight channels left, or channels not adjacent.
@inline(never)
private func winogradInputTileLanes(_ g: Conv2DGeometry, corner: UnsafePointer<Float>, y0: Int, x0: Int, lanes: Int,
                                    base: UnsafeMutablePointer<Float>, matrix: Int) {
    winogradInputTile({ i, j in
        let iy = y0 &+ i, ix = x0 &+ j
        guard iy >= 0 && iy < g.height && ix >= 0 && ix < g.width else { return SIMD8() }
        let p = corner + (i &* g.rowStride &+ j &* g.columnStride)
        var lane = SIMD8<Float>()
        for l in 0..<lanes { lane[l] = p[l &* g.channelStride] }
        return lane
    }, { xi, value in storeF32x8(value, base + xi &* matrix, count: lanes) })
}

/// One tile's `Bᵀ d B`: `d(i, j)` loads patch element (i, j), `store(ξ, value)` writes `V_ξ`.
@inline(__always)
private func winogradInputTile(_ d: (Int, Int) -> SIMD8<Float>, _ store: (Int, SIMD8<Float>) -> Void) {
    @inline(__always) func row(_ i: Int, _ t0: SIMD8<Float>, _ t1: SIMD8<Float>, _ t2: SIMD8<Float>, _ t3: SIMD8<Float>) {
        // · B: columns 0 − 2, 1 + 2, 2 − 1, 1 − 3.
        store(4 * i, t0 - t2)
        store(4 * i + 1, t1 + t2)
        store(4 * i + 2, t2 - t1)
        store(4 * i + 3, t1 - t3)
    }
    let d00 = d(0, 0), d01 = d(0, 1), d02 = d(0, 2), d03 = d(0, 3)
    let d10 = d(1, 0), d11 = d(1, 1), d12 = d(1, 2), d13 = d(1, 3)
    let d20 = d(2, 0), d21 = d(2, 1), d22 = d(2, 2), d23 = d(2, 3)
    let d30 = d(3, 0), d31 = d(3, 1), d32 = d(3, 2), d33 = d(3, 3)
    // Bᵀ d: rows 0 − 2, 1 + 2, 2 − 1, 1 − 3.
    row(0, d00 - d20, d01 - d21, d02 - d22, d03 - d23)
    row(1, d10 + d20, d11 + d21, d12 + d22, d13 + d23)
    row(2, d20 - d10, d21 - d11, d22 - d12, d23 - d13)
    row(3, d10 - d30, d11 - d31, d12 - d32, d13 - d33)
}

/// `Aᵀ M A` of each tile's 16 products, plus bias, through `activation`, into the outputs the
/// tile covers (those past the output's edge are dropped), or their maximum when `w.poolsTiles`.
@inline(__always)
func winogradOutputTransformF32(_ w: WinogradConv2DF32, products m: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                                y: UnsafeMutablePointer<Float>, _ activation: (SIMD8<Float>) -> SIMD8<Float>) {
    if w.poolsTiles {
        winogradPooledOutputTransformF32(w, products: m, bias: bias, y: y, activation)
        return
    }
    let cout = w.outChannels, matrix = w.tiles &* cout, oh = w.geometry.outputHeight, ow = w.geometry.outputWidth
    for ty in 0..<w.tilesY {
        for tx in 0..<w.tilesX {
            let tile = m + (ty &* w.tilesX &+ tx) &* cout
            let oy = 2 &* ty, ox = 2 &* tx
            let rows = min(2, oh &- oy), columns = min(2, ow &- ox)
            let out = y + (oy &* ow &+ ox) &* cout
            var o = 0
            while o &+ 8 <= cout {
                let b = bias.map { loadF32x8($0 + o) } ?? SIMD8()
                let p = tile + o, q = out + o
                let (y00, y01, y10, y11) = winogradOutputTile { xi in loadF32x8(p + xi &* matrix) }
                storeF32x8(activation(y00 + b), q)
                if columns > 1 { storeF32x8(activation(y01 + b), q + cout) }
                if rows > 1 {
                    storeF32x8(activation(y10 + b), q + ow &* cout)
                    if columns > 1 { storeF32x8(activation(y11 + b), q + (ow &+ 1) &* cout) }
                }
                o &+= 8
            }
            if o < cout {
                let lanes = cout &- o
                let b = bias.map { loadF32x8($0 + o, count: lanes) } ?? SIMD8()
                let (y00, y01, y10, y11) = winogradOutputTileLanes(tile + o, matrix: matrix, lanes: lanes)
                let q = out + o
                storeF32x8(activation(y00 + b), q, count: lanes)
                if columns > 1 { storeF32x8(activation(y01 + b), q + cout, count: lanes) }
                if rows > 1 {
                    storeF32x8(activation(y10 + b), q + ow &* cout, count: lanes)
                    if columns > 1 { storeF32x8(activation(y11 + b), q + (ow &+ 1) &* cout, count: lanes) }
                }
            }
        }
    }
}

/// The pooled output transform: each tile's four outputs (all inside the output) through
/// `activation`, then their maximum in `maxPoolF32`'s order ((0,0), (0,1), (1,0), (1,1), a later
/// value kept only when greater), stored as pixel `ty · tilesX + tx`.
@inline(__always)
private func winogradPooledOutputTransformF32(_ w: WinogradConv2DF32, products m: UnsafePointer<Float>,
                                              bias: UnsafePointer<Float>?, y: UnsafeMutablePointer<Float>,
                                              _ activation: (SIMD8<Float>) -> SIMD8<Float>) {
    let cout = w.outChannels, matrix = w.tiles &* cout
    @inline(__always) func pooled(_ y00: SIMD8<Float>, _ y01: SIMD8<Float>, _ y10: SIMD8<Float>, _ y11: SIMD8<Float>,
                                  _ b: SIMD8<Float>) -> SIMD8<Float> {
        var best = activation(y00 + b)
        let v01 = activation(y01 + b), v10 = activation(y10 + b), v11 = activation(y11 + b)
        best.replace(with: v01, where: v01 .> best)
        best.replace(with: v10, where: v10 .> best)
        best.replace(with: v11, where: v11 .> best)
        return best
    }
    for t in 0..<w.tiles {
        let tile = m + t &* cout, out = y + t &* cout
        var o = 0
        while o &+ 8 <= cout {
            let b = bias.map { loadF32x8($0 + o) } ?? SIMD8()
            let p = tile + o
            let (y00, y01, y10, y11) = winogradOutputTile { xi in loadF32x8(p + xi &* matrix) }
            storeF32x8(pooled(y00, y01, y10, y11, b), out + o)
            o &+= 8
        }
        if o < cout {
            let lanes = cout &- o
            let b = bias.map { loadF32x8($0 + o, count: lanes) } ?? SIMD8()
            let (y00, y01, y10, y11) = winogradOutputTileLanes(tile + o, matrix: matrix, lanes: lanes)
            storeF32x8(pooled(y00, y01, y10, y11, b), out + o, count: lanes)
        }
    }
}

@inline(never)
private func winogradOutputTileLanes(_ p: UnsafePointer<Float>, matrix: Int, lanes: Int)
    -> (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>) {
    winogradOutputTile { xi in loadF32x8(p + xi &* matrix, count: lanes) }
}

/// One tile's `Aᵀ M A` (2×2 outputs, before bias) from `m(ξ)`.
@inline(__always)
private func winogradOutputTile(_ m: (Int) -> SIMD8<Float>) -> (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>) {
    let m0 = m(0), m1 = m(1), m2 = m(2), m3 = m(3), m4 = m(4), m5 = m(5), m6 = m(6), m7 = m(7)
    let m8 = m(8), m9 = m(9), m10 = m(10), m11 = m(11), m12 = m(12), m13 = m(13), m14 = m(14), m15 = m(15)
    // Aᵀ M: rows 0 + 1 + 2 and 1 − 2 − 3 (per column).
    let s00 = m0 + m4 + m8, s01 = m1 + m5 + m9, s02 = m2 + m6 + m10, s03 = m3 + m7 + m11
    let s10 = m4 - m8 - m12, s11 = m5 - m9 - m13, s12 = m6 - m10 - m14, s13 = m7 - m11 - m15
    // · A: columns 0 + 1 + 2 and 1 − 2 − 3.
    return (s00 + s01 + s02, s01 - s02 - s03, s10 + s11 + s12, s11 - s12 - s13)
}
