/// Convolution micro-kernel without im2col: 6 output positions × 16 output channels, reading
/// the input image directly. `base0…base5` are the offsets of each position's window corner;
/// window element (ky, kx, c) is at `base + ky·rowStride + kx·columnStride + c·channelStride`.
/// The accumulator tile of `gemmF32_6x16` (`AccumulatorsF32_6x16`); B is the packed weight panel.
@inline(never)
public func conv2dF32_6x16(x: UnsafePointer<Float>,
                           base0: Int, base1: Int, base2: Int, base3: Int, base4: Int, base5: Int,
                           kernelHeight: Int, kernelWidth: Int, rowStride: Int, columnStride: Int,
                           channels: Int, channelStride: Int, b: UnsafePointer<Float>,
                           c: UnsafeMutablePointer<Float>, ldc: Int, row: Int, column: Int,
                           rows: Int, columns: Int, epilogue: GEMMF32Epilogue) {
    var tile = AccumulatorsF32_6x16()
    var bp = b
    let p0 = x + base0, p1 = x + base1, p2 = x + base2, p3 = x + base3, p4 = x + base4, p5 = x + base5
    var walk = ConvolutionWindowWalk(kernelHeight: kernelHeight, kernelWidth: kernelWidth, rowStride: rowStride,
                             columnStride: columnStride, channels: channels, channelStride: channelStride)
    for _ in 0..<walk.count {
        let offset = walk.offset
        tile.add(p0[offset], p1[offset], p2[offset], p3[offset], p4[offset], p5[offset], b: bp)
        bp += 16
        walk.advance()
    }
    tile.store(epilogue, c: c, ldc: ldc, row: row, column: column, rows: rows, columns: columns, accumulate: false)
}

/// Floats of workspace `conv2dF32` needs: a zero-padded channels-last copy of the input when the
/// convolution pads, otherwise none.
public func conv2dF32WorkspaceSize(_ g: Conv2DGeometry) -> Int {
    g.padY == 0 && g.padX == 0 ? 0 : (g.height + 2 * g.padY) * (g.width + 2 * g.padX) * g.channels
}

/// Convolution by the indirect micro-kernel (no im2col matrix), bias and activation fused:
/// output channels-last `[OH·OW][outChannels]`; weights from `packConv2DWeightsF32`.
/// Padding is handled by copying the input once into a zero-padded `workspace`.
public func conv2dF32(_ g: Conv2DGeometry, outChannels: Int, x: UnsafePointer<Float>,
                      packedWeights: UnsafePointer<Float>, bias: UnsafePointer<Float>?, activation: ActivationF32,
                      y: UnsafeMutablePointer<Float>, workspace: UnsafeMutablePointer<Float>) {
    var source = x, geometry = g
    if g.padY > 0 || g.padX > 0 {
        let height = g.height + 2 * g.padY, width = g.width + 2 * g.padX
        workspace.update(repeating: 0, count: height * width * g.channels)
        for iy in 0..<g.height {
            for ix in 0..<g.width {
                let out = workspace + ((iy + g.padY) * width + ix + g.padX) * g.channels
                let src = x + iy * g.rowStride + ix * g.columnStride
                for c in 0..<g.channels { out[c] = src[c * g.channelStride] }
            }
        }
        source = UnsafePointer(workspace)
        geometry = Conv2DGeometry(channels: g.channels, height: height, width: width,
                                  kernel: (g.kernelHeight, g.kernelWidth), stride: (g.strideY, g.strideX), channelsLast: true)
    }
    let positions = g.positions, ow = g.outputWidth
    let stepY = geometry.strideY * geometry.rowStride, stepX = geometry.strideX * geometry.columnStride
    // Window corners by walking the output grid (oy, ox) position by position: a division per
    // position cost as much as a small layer's arithmetic. Positions past the end read position 0.
    var oy = 0, ox = 0
    func nextBase(_ position: Int) -> Int {
        defer {
            ox += 1
            if ox == ow { ox = 0; oy += 1 }
        }
        return position < positions ? oy * stepY + ox * stepX : 0
    }
    let epilogue = GEMMF32Epilogue(columnBias: bias, activation: activation)
    // One to three positions left after the 6-row tiles go to the 3×32 tail kernel.
    let tail = positions % 6 <= 3 ? positions % 6 : 0, tiled = positions - tail
    var j0 = 0
    while j0 < outChannels {
        let panel = packedWeights + j0 * g.windowSize
        var i0 = 0
        oy = 0; ox = 0
        while i0 < tiled {
            let base0 = nextBase(i0), base1 = nextBase(i0 + 1), base2 = nextBase(i0 + 2)
            let base3 = nextBase(i0 + 3), base4 = nextBase(i0 + 4), base5 = nextBase(i0 + 5)
            conv2dF32_6x16(x: source, base0: base0, base1: base1, base2: base2,
                           base3: base3, base4: base4, base5: base5,
                           kernelHeight: geometry.kernelHeight, kernelWidth: geometry.kernelWidth,
                           rowStride: geometry.rowStride, columnStride: geometry.columnStride,
                           channels: geometry.channels, channelStride: geometry.channelStride, b: panel,
                           c: y + i0 * outChannels + j0, ldc: outChannels, row: i0, column: j0,
                           rows: min(6, positions - i0), columns: min(16, outChannels - j0), epilogue: epilogue)
            i0 += 6
        }
        j0 += 16
    }
    guard tail > 0 else { return }
    func base(_ position: Int) -> Int {
        let p = min(position, positions - 1), y = p / ow
        return y * stepY + (p - y * ow) * stepX
    }
    j0 = 0
    while j0 < outChannels {
        let panel = packedWeights + j0 * g.windowSize, columns = min(32, outChannels - j0)
        conv2dF32_3x32(x: source, base0: base(tiled), base1: base(tiled + 1), base2: base(tiled + 2),
                       kernelHeight: geometry.kernelHeight, kernelWidth: geometry.kernelWidth,
                       rowStride: geometry.rowStride, columnStride: geometry.columnStride,
                       channels: geometry.channels, channelStride: geometry.channelStride,
                       b0: panel, b1: columns > 16 ? panel + 16 * g.windowSize : panel,
                       c: y + tiled * outChannels + j0, ldc: outChannels, row: tiled, column: j0,
                       rows: tail, columns: columns, epilogue: epilogue)
        j0 += 32
    }
}
