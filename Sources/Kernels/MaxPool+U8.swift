/// Max pooling (floor mode, no padding) of uint8 activations in any layout (`g`'s strides) to a
/// channels-last `[OH][OW][C]` output. Exact on quantized values: quantization is monotonic, so
/// the maximum of the quantized inputs is the quantized maximum. Vectorized over channels (16
/// at a time: `vpmaxub xmm`; LLVM lowers the same code on SIMD32<UInt8> one lane at a time)
/// when the input is channels-last. Equals `maxPoolU8Reference` (reordered to
/// channels-last) bit for bit.
public func maxPoolU8(_ g: Conv2DGeometry, x: UnsafePointer<UInt8>, y: UnsafeMutablePointer<UInt8>) {
    let oh = g.outputHeight, ow = g.outputWidth, channels = g.channels
    for oy in 0..<oh {
        for ox in 0..<ow {
            let out = y + (oy * ow + ox) * channels
            let corner = x + oy * g.strideY * g.rowStride + ox * g.strideX * g.columnStride
            var c = 0
            if g.channelStride == 1 {
                while c + 16 <= channels {
                    var best = SIMD16<UInt8>()
                    for ky in 0..<g.kernelHeight {
                        for kx in 0..<g.kernelWidth {
                            let tap = UnsafeRawPointer(corner + ky * g.rowStride + kx * g.columnStride + c)
                            let v = tap.loadUnaligned(as: SIMD16<UInt8>.self)
                            best.replace(with: v, where: v .> best)
                        }
                    }
                    UnsafeMutableRawPointer(out + c).storeBytes(of: best, as: SIMD16<UInt8>.self)
                    c += 16
                }
            }
            while c < channels {
                var best: UInt8 = 0
                for ky in 0..<g.kernelHeight {
                    for kx in 0..<g.kernelWidth {
                        best = max(best, corner[c * g.channelStride + ky * g.rowStride + kx * g.columnStride])
                    }
                }
                out[c] = best
                c += 1
            }
        }
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

