/// Max pooling of Int32 convolution sums followed by `requantizeColumnsU8` in one pass, for pooled
/// rows `rows` only: the pooled sums stay in registers. `g` describes the sums (channels-last,
/// `g.channels ≥ columns` values per pixel, no padding); `y` receives the rows from
/// `rows.lowerBound` on, `columns` bytes per pixel. `activation` is `.none` or `.relu`, for which
/// the requantization is non-decreasing in the sum when every `scale` is ≥ 0 and
/// `outputInverseScale` > 0, so this equals pooling the requantized bytes (`maxPoolU8`) too.
/// Equals `maxPoolS32Reference` then `requantizeColumnsU8Reference` bit for bit.
public func maxPoolRequantizeS32U8(_ g: Conv2DGeometry, sums x: UnsafePointer<Int32>, rows: Range<Int>, columns: Int,
                                   scale: UnsafePointer<Float>, bias: UnsafePointer<Float>?, activation: ActivationF32,
                                   outputInverseScale: Float, outputZeroPoint: Int32, y: UnsafeMutablePointer<UInt8>) {
    precondition(g.channelStride == 1 && g.padY == 0 && g.padX == 0 && rows.upperBound <= g.outputHeight
                 && columns <= g.channels, "maxPoolRequantizeS32U8: channels-last sums without padding")
    // One loop per window shape, bias and nonlinearity: LLVM does not unswitch those tests out of
    // the vector loop, where they cost a third of its instructions.
    @inline(__always) func run(_ activation: (SIMD8<Float>) -> SIMD8<Float>) {
        let twoByTwo = g.kernelHeight == 2 && g.kernelWidth == 2
        switch (twoByTwo, bias) {
        case (true, let bias?):
            poolRequantizeRows(g, x, rows, columns, scale, bias, outputInverseScale, outputZeroPoint, y,
                               twoByTwo: true, biased: true, activation)
        case (true, nil):
            poolRequantizeRows(g, x, rows, columns, scale, nil, outputInverseScale, outputZeroPoint, y,
                               twoByTwo: true, biased: false, activation)
        case (false, let bias?):
            poolRequantizeRows(g, x, rows, columns, scale, bias, outputInverseScale, outputZeroPoint, y,
                               twoByTwo: false, biased: true, activation)
        case (false, nil):
            poolRequantizeRows(g, x, rows, columns, scale, nil, outputInverseScale, outputZeroPoint, y,
                               twoByTwo: false, biased: false, activation)
        }
    }
    switch activation {
    case .none: run { $0 }
    case .relu: run(reluF32x8)
    default: preconditionFailure("maxPoolRequantizeS32U8: \(activation) is not monotonic here")
    }
}

@inline(__always)
private func poolRequantizeRows(_ g: Conv2DGeometry, _ x: UnsafePointer<Int32>, _ rows: Range<Int>, _ columns: Int,
                                _ scale: UnsafePointer<Float>, _ bias: UnsafePointer<Float>?,
                                _ outputInverseScale: Float, _ outputZeroPoint: Int32, _ y: UnsafeMutablePointer<UInt8>,
                                twoByTwo: Bool, biased: Bool, _ activation: (SIMD8<Float>) -> SIMD8<Float>) {
    let ow = g.outputWidth, vectorEnd = columns & ~7
    let right = 4 &* g.columnStride, down = 4 &* g.rowStride
    let rawScale = UnsafeRawPointer(scale), rawBias = bias.map(UnsafeRawPointer.init)
    let inverse = SIMD8<Float>(repeating: outputInverseScale), zero = SIMD8<Float>(repeating: Float(outputZeroPoint))
    for oy in rows {
        for ox in 0..<ow {
            let out = UnsafeMutableRawPointer(y + ((oy &- rows.lowerBound) &* ow &+ ox) &* columns)
            let cornerOffset = (oy &* g.strideY) &* g.rowStride &+ (ox &* g.strideX) &* g.columnStride
            let corner = UnsafeRawPointer(x + cornerOffset)
            var c = 0
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
                // The operations of `requantizeColumnsU8`'s vector loop (`scaledColumns` first), in its order.
                var v = floatLanes(best) * rawScale.loadUnaligned(fromByteOffset: 4 &* c, as: SIMD8<Float>.self)
                if biased { v = v + rawBias!.loadUnaligned(fromByteOffset: 4 &* c, as: SIMD8<Float>.self) }
                let q = clampedToByteRange(activation(v) * inverse + zero)
                let bits = unsafeBitCast(q + 12_582_912, to: SIMD8<Int32>.self) &- 0x4B40_0000
                out.storeBytes(of: lowBytes(bits), toByteOffset: c, as: SIMD8<UInt8>.self)
                c &+= 8
            }
            if c < columns {
                poolRequantizeTail(g, corner: corner, out: out, channels: c..<columns, scale: scale, bias: bias,
                                   outputInverseScale: outputInverseScale, outputZeroPoint: outputZeroPoint,
                                   activation)
            }
        }
    }
}

/// The channels past the last whole vector, one at a time like `requantizeColumnsU8`'s tail.
@inline(never)
private func poolRequantizeTail(_ g: Conv2DGeometry, corner: UnsafeRawPointer, out: UnsafeMutableRawPointer,
                                channels: Range<Int>, scale: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                                outputInverseScale: Float, outputZeroPoint: Int32,
                                _ activation: (SIMD8<Float>) -> SIMD8<Float>) {
    for c in channels {
        var best = Int32.min
        for ky in 0..<g.kernelHeight {
            for kx in 0..<g.kernelWidth {
                best = max(best, corner.load(fromByteOffset: 4 &* (c &+ ky &* g.rowStride &+ kx &* g.columnStride),
                                             as: Int32.self))
            }
        }
        var v = Float(best) * scale[c]
        if let bias { v = v + bias[c] }
        out.storeBytes(of: quantizeU8(activation(SIMD8<Float>(repeating: v))[0], inverseScale: outputInverseScale,
                                      zeroPoint: outputZeroPoint), toByteOffset: c, as: UInt8.self)
    }
}

@inline(__always)
private func maxS32x8(_ a: SIMD8<Int32>, _ b: SIMD8<Int32>) -> SIMD8<Int32> {
    a.replacing(with: b, where: b .> a)
}

/// Scalar reference of Int32 max pooling (floor mode, no padding): `[C, OH, OW]` out, input in
/// the layout `g`'s strides describe.
public func maxPoolS32Reference(_ g: Conv2DGeometry, x: UnsafePointer<Int32>, y: UnsafeMutablePointer<Int32>) {
    for c in 0..<g.channels {
        for oy in 0..<g.outputHeight {
            for ox in 0..<g.outputWidth {
                var best = Int32.min
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
