/// im2col for the int8 convolution: row `i` of `left` (output position `i`, row-major over the
/// output grid) gets the window under that position in `Conv2DGeometry.windowSize` order
/// (ky, kx, c); taps in the padding read 0 (the zero point, real 0). `image` holds the quantized
/// input minus its zero point (`quantizeCenteredS16`) in the layout `g`'s strides describe; `row`
/// is scratch of `g.windowSize` values.
///
/// Channels-last images with an even channel count take the fast path: each tap's channels are
/// already adjacent pairs, copied into the packed operand as whole Int32s.
public func im2colPackLeftS8(_ g: Conv2DGeometry, image: UnsafePointer<Int16>,
                             into left: PackedLeftS8, row: UnsafeMutablePointer<Int16>) {
    precondition(left.rows >= g.positions && left.depth == g.windowSize, "im2col operand too small")
    if g.channelStride == 1 && g.channels % 2 == 0 {
        im2colPairs(g, image: image, into: left)
        return
    }
    var i = 0
    for oy in 0..<g.outputHeight {
        for ox in 0..<g.outputWidth {
            var p = 0
            for ky in 0..<g.kernelHeight {
                let y = oy * g.strideY - g.padY + ky
                for kx in 0..<g.kernelWidth {
                    let x = ox * g.strideX - g.padX + kx
                    if y >= 0, y < g.height, x >= 0, x < g.width {
                        let base = image + y * g.rowStride + x * g.columnStride
                        for c in 0..<g.channels { row[p + c] = base[c * g.channelStride] }
                    } else {
                        for c in 0..<g.channels { row[p + c] = 0 }
                    }
                    p += g.channels
                }
            }
            left.packRow(i, centered: UnsafePointer(row))
            i += 1
        }
    }
}

private func im2colPairs(_ g: Conv2DGeometry, image: UnsafePointer<Int16>, into left: PackedLeftS8) {
    let pairsPerTap = g.channels / 2, tile = PackedLeftS8.rowTile
    let pairs = UnsafeRawPointer(image).assumingMemoryBound(to: Int32.self)
    var i = 0
    for oy in 0..<g.outputHeight {
        for ox in 0..<g.outputWidth {
            var out = left.storage + (i / tile) * left.depthPairs * tile + i % tile
            for ky in 0..<g.kernelHeight {
                let y = oy * g.strideY - g.padY + ky
                for kx in 0..<g.kernelWidth {
                    let x = ox * g.strideX - g.padX + kx
                    if y >= 0, y < g.height, x >= 0, x < g.width {
                        let source = pairs + (y * g.rowStride + x * g.columnStride) / 2
                        for j in 0..<pairsPerTap { out[j * tile] = source[j] }
                    } else {
                        for j in 0..<pairsPerTap { out[j * tile] = 0 }
                    }
                    out += pairsPerTap * tile
                }
            }
            i += 1
        }
    }
}
