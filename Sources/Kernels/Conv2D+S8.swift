/// im2col for the int8 convolution: row `i` of `left` (output position `i`, row-major over the
/// output grid) gets the window under that position in `Conv2DGeometry.windowSize` order
/// (ky, kx, c); taps in the padding read 0 (the zero point, real 0). `image` holds the quantized
/// input minus its zero point (`quantizeCenteredS16`) in the layout `g`'s strides describe.
///
/// Channels-last images with an even channel count take the fast path: each tap's channels are
/// already adjacent pairs, copied into the packed operand as whole Int32s. Other layouts build
/// the pairs in registers (never through a row buffer: two 16-bit stores read back as one 32-bit
/// load stall store forwarding).
public func im2colPackLeftS8(_ g: Conv2DGeometry, image: UnsafePointer<Int16>, into left: PackedLeftS8) {
    precondition(left.rows >= g.positions && left.depth == g.windowSize, "im2col operand too small")
    if g.channelStride == 1 && g.channels % 2 == 0 {
        im2colPairs(g, image: image, into: left)
        return
    }
    let channels = g.channels, cs = g.channelStride, rs = g.rowStride, xs = g.columnStride
    let kh = g.kernelHeight, kw = g.kernelWidth, h = g.height, w = g.width, tile = PackedLeftS8.rowTile
    var i = 0
    for oy in 0..<g.outputHeight {
        for ox in 0..<g.outputWidth {
            let y0 = oy &* g.strideY &- g.padY, x0 = ox &* g.strideX &- g.padX
            let inside = y0 >= 0 && x0 >= 0 && y0 &+ kh <= h && x0 &+ kw <= w
            var pairs = PairWriter(out: left.storage + (i / tile) * left.depthPairs * tile + i % tile, stride: tile)
            for ky in 0..<kh {
                let y = y0 &+ ky
                for kx in 0..<kw {
                    let x = x0 &+ kx
                    if inside || (y >= 0 && y < h && x >= 0 && x < w) {
                        let base = image + (y &* rs &+ x &* xs)
                        for c in 0..<channels { pairs.append(base[c &* cs]) }
                    } else {
                        for _ in 0..<channels { pairs.append(0) }
                    }
                }
            }
            pairs.finish()
            i += 1
        }
    }
}

/// Appends Int16 values to a packed row two at a time.
private struct PairWriter {
    var out: UnsafeMutablePointer<Int32>
    let stride: Int
    var low: Int32 = 0
    var pending = false

    @inline(__always)
    mutating func append(_ value: Int16) {
        if pending {
            out.pointee = packPair(low, Int32(value))
            out += stride
        } else {
            low = Int32(value)
        }
        pending.toggle()
    }

    @inline(__always)
    mutating func finish() {
        if pending { out.pointee = packPair(low, 0) }
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
