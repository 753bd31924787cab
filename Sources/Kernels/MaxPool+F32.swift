/// Max pooling (floor mode, no padding) of an image in any layout (`g`'s strides) to a
/// channels-last `[OH][OW][C]` output. Vectorized over channels when the input is channels-last.
/// Every element compares its taps in (ky, kx) order, keeping the earlier value unless a later
/// one is greater (so NaN and signed zeros come out the same on every path).
public func maxPoolF32(_ g: Conv2DGeometry, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>) {
    let oh = g.outputHeight, ow = g.outputWidth, channels = g.channels
    for oy in 0..<oh {
        for ox in 0..<ow {
            let out = y + (oy &* ow &+ ox) &* channels
            let cornerOffset = (oy &* g.strideY) &* g.rowStride &+ (ox &* g.strideX) &* g.columnStride
            if g.channelStride == 1 {
                maxPoolPixelF32(g, corner: x + cornerOffset, out: out)
            } else {
                maxPoolPixelStridedF32(g, corner: x + cornerOffset, out: out)
            }
        }
    }
}

/// One output pixel of a channels-last input: each vector's maximum in a register, the common
/// 2×2 window written out (a two-iteration tap loop per vector cost more than its comparisons),
/// the channel tail out of line.
@inline(__always)
private func maxPoolPixelF32(_ g: Conv2DGeometry, corner: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>) {
    let channels = g.channels, vectorEnd = channels & ~7, right = 4 &* g.columnStride, down = 4 &* g.rowStride
    let twoByTwo = g.kernelHeight == 2 && g.kernelWidth == 2
    let raw = UnsafeRawPointer(corner), rawOut = UnsafeMutableRawPointer(out)
    var c = 0
    while c < vectorEnd {
        let p = raw + 4 &* c
        var best = p.loadUnaligned(as: SIMD8<Float>.self)
        if twoByTwo {
            best = greaterF32x8(best, p.loadUnaligned(fromByteOffset: right, as: SIMD8<Float>.self))
            best = greaterF32x8(best, p.loadUnaligned(fromByteOffset: down, as: SIMD8<Float>.self))
            best = greaterF32x8(best, p.loadUnaligned(fromByteOffset: down &+ right, as: SIMD8<Float>.self))
        } else {
            for ky in 0..<g.kernelHeight {
                for kx in 0..<g.kernelWidth {
                    best = greaterF32x8(best, p.loadUnaligned(fromByteOffset: ky &* down &+ kx &* right,
                                                              as: SIMD8<Float>.self))
                }
            }
        }
        rawOut.storeBytes(of: best, toByteOffset: 4 &* c, as: SIMD8<Float>.self)
        c &+= 8
    }
    if c < channels { maxPoolTailF32(g, corner: corner, out: out, first: c) }
}

@inline(__always)
private func greaterF32x8(_ best: SIMD8<Float>, _ v: SIMD8<Float>) -> SIMD8<Float> {
    best.replacing(with: v, where: v .> best)
}

/// The channels past the last whole vector of a channels-last pixel, as one partial vector. Out
/// of line: inlined, LLVM expands such loops into a per-pixel setup that costs more than the pool.
@inline(never)
private func maxPoolTailF32(_ g: Conv2DGeometry, corner: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>,
                            first c: Int) {
    let n = g.channels - c
    var best = loadF32x8(corner + c, count: n)
    for ky in 0..<g.kernelHeight {
        for kx in 0..<g.kernelWidth {
            best = greaterF32x8(best, loadF32x8(corner + ky * g.rowStride + kx * g.columnStride + c, count: n))
        }
    }
    storeF32x8(best, out + c, count: n)
}

/// One output pixel of an input whose channels are not adjacent, element by element.
@inline(never)
private func maxPoolPixelStridedF32(_ g: Conv2DGeometry, corner: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>) {
    for c in 0..<g.channels {
        var best = corner[c * g.channelStride]
        for ky in 0..<g.kernelHeight {
            for kx in 0..<g.kernelWidth {
                let v = corner[c * g.channelStride + ky * g.rowStride + kx * g.columnStride]
                if v > best { best = v }
            }
        }
        out[c] = best
    }
}

/// Scalar reference: `[C, H, W]` in (layout from `g`), `[C, OH, OW]` out.
public func maxPoolF32Reference(_ g: Conv2DGeometry, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>) {
    let oh = g.outputHeight, ow = g.outputWidth
    for c in 0..<g.channels {
        for oy in 0..<oh {
            for ox in 0..<ow {
                var best = -Float.infinity
                for ky in 0..<g.kernelHeight {
                    for kx in 0..<g.kernelWidth {
                        best = max(best, x[c * g.channelStride + (oy * g.strideY + ky) * g.rowStride + (ox * g.strideX + kx) * g.columnStride])
                    }
                }
                y[(c * oh + oy) * ow + ox] = best
            }
        }
    }
}
