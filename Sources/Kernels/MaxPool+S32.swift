/// Max pooling (floor mode, no padding) of Int32 values, channels-last in and out, for output rows
/// `rows` only, written from `y` on: `y[((oy − rows.lowerBound) · OW + ox) · C + c]` is the
/// maximum of `x` under that window (`g` describes `x`: `g.channels` values per pixel,
/// `channelStride` 1). An int8 convolution pools its
/// Int32 sums with it before requantizing, which gives the pooled requantized values exactly when
/// the requantization is non-decreasing in the sum. Eight channels at a time (`vpmaxsd`).
/// Equals `maxPoolS32Reference` bit for bit.
public func maxPoolS32(_ g: Conv2DGeometry, x: UnsafePointer<Int32>, y: UnsafeMutablePointer<Int32>, rows: Range<Int>) {
    precondition(g.channelStride == 1 && g.padY == 0 && g.padX == 0 && rows.upperBound <= g.outputHeight,
                 "maxPoolS32: channels-last input without padding, rows within \(g.outputHeight)")
    let ow = g.outputWidth, channels = g.channels, vectorEnd = channels & ~7
    let twoByTwo = g.kernelHeight == 2 && g.kernelWidth == 2
    let right = 4 &* g.columnStride, down = 4 &* g.rowStride
    for oy in rows {
        for ox in 0..<ow {
            let out = UnsafeMutableRawPointer(y + ((oy &- rows.lowerBound) &* ow &+ ox) &* channels)
            let cornerOffset = (oy &* g.strideY) &* g.rowStride &+ (ox &* g.strideX) &* g.columnStride
            let corner = UnsafeRawPointer(x + cornerOffset)
            var c = 0
            // Each vector's maximum stays in a register; the common 2×2 window is written out so
            // no two-iteration tap loop runs (and mispredicts its exit) per vector.
            while c < vectorEnd {
                let p = corner + 4 &* c
                var best = p.loadUnaligned(as: SIMD8<Int32>.self)
                if twoByTwo {
                    best = maxS32x8(best, p.loadUnaligned(fromByteOffset: right, as: SIMD8<Int32>.self))
                    best = maxS32x8(best, p.loadUnaligned(fromByteOffset: down, as: SIMD8<Int32>.self))
                    best = maxS32x8(best, p.loadUnaligned(fromByteOffset: down &+ right, as: SIMD8<Int32>.self))
                } else {
                    for ky in 0..<g.kernelHeight {
                        for kx in 0..<g.kernelWidth {
                            best = maxS32x8(best, p.loadUnaligned(fromByteOffset: ky &* down &+ kx &* right,
                                                                  as: SIMD8<Int32>.self))
                        }
                    }
                }
                out.storeBytes(of: best, toByteOffset: 4 &* c, as: SIMD8<Int32>.self)
                c &+= 8
            }
            if c < channels { maxPoolS32Tail(g, corner: corner, out: out, channels: c..<channels) }
        }
    }
}

/// The channels past the last whole vector, one at a time. Out of line: inlined, LLVM vectorizes
/// this loop into a per-pixel setup of some thirty pointers that costs more than the pooling.
@inline(never)
private func maxPoolS32Tail(_ g: Conv2DGeometry, corner: UnsafeRawPointer, out: UnsafeMutableRawPointer,
                            channels: Range<Int>) {
    for c in channels {
        var best = Int32.min
        for ky in 0..<g.kernelHeight {
            for kx in 0..<g.kernelWidth {
                best = max(best, corner.load(fromByteOffset: 4 &* (c &+ ky &* g.rowStride &+ kx &* g.columnStride),
                                             as: Int32.self))
            }
        }
        out.storeBytes(of: best, toByteOffset: 4 &* c, as: Int32.self)
    }
}

@inline(__always)
private func maxS32x8(_ a: SIMD8<Int32>, _ b: SIMD8<Int32>) -> SIMD8<Int32> {
    a.replacing(with: b, where: b .> a)
}

/// Scalar reference of `maxPoolS32` over all output rows.
public func maxPoolS32Reference(_ g: Conv2DGeometry, x: UnsafePointer<Int32>, y: UnsafeMutablePointer<Int32>) {
    for oy in 0..<g.outputHeight {
        for ox in 0..<g.outputWidth {
            for c in 0..<g.channels {
                var best = Int32.min
                for ky in 0..<g.kernelHeight {
                    for kx in 0..<g.kernelWidth {
                        let iy = oy * g.strideY + ky, ix = ox * g.strideX + kx
                        best = max(best, x[c * g.channelStride + iy * g.rowStride + ix * g.columnStride])
                    }
                }
                y[(oy * g.outputWidth + ox) * g.channels + c] = best
            }
        }
    }
}
