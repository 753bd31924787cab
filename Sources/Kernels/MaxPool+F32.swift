/// Max pooling (floor mode, no padding) of an image in any layout (`g`'s strides) to a
/// channels-last `[OH][OW][C]` output. Vectorized over channels when the input is channels-last.
public func maxPoolF32(_ g: Conv2DGeometry, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>) {
    let oh = g.outputHeight, ow = g.outputWidth, channels = g.channels
    for oy in 0..<oh {
        for ox in 0..<ow {
            let out = y + (oy * ow + ox) * channels
            let corner = x + oy * g.strideY * g.rowStride + ox * g.strideX * g.columnStride
            if g.channelStride == 1 {
                var c = 0
                while c + 8 <= channels {
                    var best = loadF32x8(corner + c)
                    for ky in 0..<g.kernelHeight {
                        for kx in 0..<g.kernelWidth {
                            let v = loadF32x8(corner + ky * g.rowStride + kx * g.columnStride + c)
                            best = best.replacing(with: v, where: v .> best)
                        }
                    }
                    storeF32x8(best, out + c)
                    c += 8
                }
                if c < channels {
                    let n = channels - c
                    var best = loadF32x8(corner + c, count: n)
                    for ky in 0..<g.kernelHeight {
                        for kx in 0..<g.kernelWidth {
                            let v = loadF32x8(corner + ky * g.rowStride + kx * g.columnStride + c, count: n)
                            best = best.replacing(with: v, where: v .> best)
                        }
                    }
                    storeF32x8(best, out + c, count: n)
                }
            } else {
                for c in 0..<channels {
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
        }
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
