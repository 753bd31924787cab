/// im2col for the int8 convolution: row `i` of `left` (output position `i`, row-major over the
/// output grid) gets the window under that position in `Conv2DGeometry.windowSize` order
/// (ky, kx, c), each value minus `zeroPoint`; taps in the padding read `zeroPoint` (real 0).
/// `image` is the quantized input in the layout `g`'s strides describe; `row` is scratch of
/// `g.windowSize` bytes.
public func im2colPackLeftS8(_ g: Conv2DGeometry, image: UnsafePointer<UInt8>, zeroPoint: Int32,
                             into left: PackedLeftS8, row: UnsafeMutablePointer<UInt8>) {
    precondition(left.rows >= g.positions && left.depth == g.windowSize, "im2col operand too small")
    let padValue = UInt8(truncatingIfNeeded: zeroPoint)
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
                        if g.channelStride == 1 {
                            (row + p).update(from: base, count: g.channels)
                        } else {
                            for c in 0..<g.channels { row[p + c] = base[c * g.channelStride] }
                        }
                    } else {
                        (row + p).update(repeating: padValue, count: g.channels)
                    }
                    p += g.channels
                }
            }
            left.packRow(i, from: UnsafePointer(row), zeroPoint: zeroPoint)
            i += 1
        }
    }
}
