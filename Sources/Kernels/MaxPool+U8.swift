/// Max pooling (floor mode, no padding) of uint8 activations in any layout (`g`'s strides) to a
/// channels-last `[OH][OW][C]` output. Exact on quantized values: quantization is monotonic, so
/// the maximum of the quantized inputs is the quantized maximum. Vectorized over channels (16
/// at a time: `vpmaxub xmm`; LLVM lowers the same code on SIMD32<UInt8> one lane at a time)
/// when the input is channels-last. Equals `maxPoolU8Reference` (reordered to
/// channels-last) bit for bit.
public func maxPoolU8(_ g: Conv2DGeometry, x: UnsafePointer<UInt8>, y: UnsafeMutablePointer<UInt8>) {
    let oh = g.outputHeight, ow = g.outputWidth, channels = g.channels
    let vectorEnd = g.channelStride == 1 ? channels & ~15 : 0
    let twoByTwo = g.kernelHeight == 2 && g.kernelWidth == 2, right = g.columnStride, down = g.rowStride
    for oy in 0..<oh {
        for ox in 0..<ow {
            let out = UnsafeMutableRawPointer(y + (oy &* ow &+ ox) &* channels)
            let corner = x + ((oy &* g.strideY) &* g.rowStride &+ (ox &* g.strideX) &* g.columnStride)
            // The common 2×2 window written out: a two-iteration tap loop per vector cost more
            // than its comparisons.
            var c = 0
            while c < vectorEnd {
                let p = UnsafeRawPointer(corner + c)
                var best = p.loadUnaligned(as: SIMD16<UInt8>.self)
                if twoByTwo {
                    best = maxU8x16(best, p.loadUnaligned(fromByteOffset: right, as: SIMD16<UInt8>.self))
                    best = maxU8x16(best, p.loadUnaligned(fromByteOffset: down, as: SIMD16<UInt8>.self))
                    best = maxU8x16(best, p.loadUnaligned(fromByteOffset: down &+ right, as: SIMD16<UInt8>.self))
                } else {
                    for ky in 0..<g.kernelHeight {
                        for kx in 0..<g.kernelWidth {
                            best = maxU8x16(best, p.loadUnaligned(fromByteOffset: ky &* down &+ kx &* right,
                                                                  as: SIMD16<UInt8>.self))
                        }
                    }
                }
                out.storeBytes(of: best, toByteOffset: c, as: SIMD16<UInt8>.self)
                c &+= 16
            }
            if c < channels { maxPoolU8Tail(g, corner: corner, out: out, channels: c..<channels) }
        }
    }
}

@inline(__always)
private func maxU8x16(_ a: SIMD16<UInt8>, _ b: SIMD16<UInt8>) -> SIMD16<UInt8> {
    a.replacing(with: b, where: b .> a)
}

/// Channels past the last whole vector (or all of them, when not adjacent), one at a time. Out of
/// line: inlined, LLVM expands this loop into a per-pixel setup that costs more than the pooling.
@inline(never)
private func maxPoolU8Tail(_ g: Conv2DGeometry, corner: UnsafePointer<UInt8>, out: UnsafeMutableRawPointer,
                           channels: Range<Int>) {
    for c in channels {
        var best: UInt8 = 0
        for ky in 0..<g.kernelHeight {
            for kx in 0..<g.kernelWidth {
                best = max(best, corner[c * g.channelStride + ky * g.rowStride + kx * g.columnStride])
            }
        }
        out.storeBytes(of: best, toByteOffset: c, as: UInt8.self)
    }
}

/// Scalar reference: `[C, H, W]` in (layout from `g`), `[C, OH, OW]` out.
public func maxPoolU8Reference(_ g: Conv2DGeometry, x: UnsafePointer<UInt8>, y: UnsafeMutablePointer<UInt8>) {
    for c in 0..<g.channels {
        for oy in 0..<g.outputHeight {
            for ox in 0..<g.outputWidth {
                var best = UInt8.min
                for ky in 0..<g.kernelHeight {
                    for kx in 0..<g.kernelWidth {
                        let iy = oy * g.strideY + ky, ix = ox * g.strideX + kx
                        best = max(best, x[c * g.channelStride + iy * g.rowStride + ix * g.columnStride])
                    }
                }
                y[(c * g.outputHeight + oy) * g.outputWidth + ox] = best
            }
        }
    }
}

