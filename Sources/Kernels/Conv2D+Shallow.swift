/// Convolution for shallow windows (few values per window, e.g. a first layer on a one-channel
/// image: `Cin·kh·kw` = 9). The indirect kernel walks (ky, kx, c) with counters and a branch per
/// step, which costs as much as the few FMAs of such a window; here the taps are a table of
/// element offsets from the window corner, built once at plan time, and the tile loop is one load
/// of an offset per depth step.
public struct ShallowConv2DF32: Sendable {
    /// Largest window (`Cin·kh·kw`) this path takes; deeper windows go to `conv2dF32`.
    public static let maximumWindow = 32

    public let geometry: Conv2DGeometry
    /// The geometry the tap offsets refer to: `geometry` itself, or its zero-padded
    /// channels-last copy when it pads.
    public let source: Conv2DGeometry
    /// Element offset of every window value from the window's top-left corner, depth order (ky, kx, c).
    public let offsets: [Int]

    /// Nil when `g`'s window is deeper than `maximumWindow`.
    public init?(_ g: Conv2DGeometry) {
        guard g.windowSize <= Self.maximumWindow else { return nil }
        geometry = g
        if g.padY > 0 || g.padX > 0 {
            source = Conv2DGeometry(channels: g.channels, height: g.height + 2 * g.padY, width: g.width + 2 * g.padX,
                                    kernel: (g.kernelHeight, g.kernelWidth), stride: (g.strideY, g.strideX),
                                    channelsLast: true)
        } else {
            source = g
        }
        let s = source
        offsets = (0..<g.kernelHeight).flatMap { ky in
            (0..<g.kernelWidth).flatMap { kx in
                (0..<g.channels).map { c in ky * s.rowStride + kx * s.columnStride + c * s.channelStride }
            }
        }
    }

    /// Floats of workspace `run` needs: the zero-padded copy of the input when the convolution pads.
    public var workspaceSize: Int {
        source == geometry ? 0 : source.height * source.width * source.channels
    }

    /// The input `run` reads: `x` itself, or its zero-padded channels-last copy in `workspace`.
    @inline(__always)
    func prepared(_ x: UnsafePointer<Float>, workspace: UnsafeMutablePointer<Float>) -> UnsafePointer<Float> {
        guard source != geometry else { return x }
        let g = geometry, width = source.width
        workspace.update(repeating: 0, count: workspaceSize)
        for iy in 0..<g.height {
            for ix in 0..<g.width {
                let out = workspace + ((iy + g.padY) * width + ix + g.padX) * g.channels
                let src = x + iy * g.rowStride + ix * g.columnStride
                for c in 0..<g.channels { out[c] = src[c * g.channelStride] }
            }
        }
        return UnsafePointer(workspace)
    }

    /// Calls `body(first, count, corners)` for each block of up to six output positions
    /// (row-major over the output grid), `corners` holding the six window corners' offsets in
    /// the prepared input (positions past the last repeat it).
    @inline(__always)
    func forEachBlock(_ body: (_ first: Int, _ count: Int, _ corners: UnsafePointer<Int>) -> Void) {
        let positions = geometry.positions, ow = geometry.outputWidth
        let stepY = source.strideY * source.rowStride, stepX = source.strideX * source.columnStride
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 6) { corners in
            let corners = corners.baseAddress!
            var oy = 0, ox = 0, first = 0
            while first < positions {
                let count = min(6, positions - first)
                for r in 0..<6 {
                    if r < count {
                        corners[r] = oy * stepY + ox * stepX
                        ox += 1
                        if ox == ow { ox = 0; oy += 1 }
                    } else {
                        corners[r] = corners[r - 1]
                    }
                }
                body(first, count, corners)
                first += 6
            }
        }
    }
}

/// Shallow-window convolution, bias and activation fused: output channels-last
/// `[OH·OW][outChannels]`; weights from `packConv2DWeightsF32`; `workspace` holds
/// `shallow.workspaceSize` floats. Same sums as `conv2dF32`, in the same order.
public func conv2dShallowF32(_ shallow: ShallowConv2DF32, outChannels: Int, x: UnsafePointer<Float>,
                             packedWeights: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                             activation: ActivationF32, y: UnsafeMutablePointer<Float>,
                             workspace: UnsafeMutablePointer<Float>) {
    let source = shallow.prepared(x, workspace: workspace), depth = shallow.geometry.windowSize
    let epilogue = GEMMF32Epilogue(columnBias: bias, activation: activation)
    shallow.offsets.withUnsafeBufferPointer { offsets in
        shallow.forEachBlock { first, count, corners in
            var j0 = 0
            while j0 < outChannels {
                conv2dShallowF32_6x16(x: source, corners: corners, offsets: offsets.baseAddress!, depth: depth,
                                      b: packedWeights + j0 * depth, c: y + first * outChannels + j0, ldc: outChannels,
                                      row: first, column: j0, rows: count, columns: min(16, outChannels - j0),
                                      epilogue: epilogue)
                j0 += 16
            }
        }
    }
}

/// The accumulators of six windows (corners `corners[0..<6]` in `x`) against one 16-column
/// weight panel `b`, over the `depth` taps at `offsets`.
@inline(__always)
func accumulateShallowF32_6x16(x: UnsafePointer<Float>, corners: UnsafePointer<Int>, offsets: UnsafePointer<Int>,
                               depth: Int, b: UnsafePointer<Float>) -> AccumulatorsF32_6x16 {
    var tile = AccumulatorsF32_6x16()
    let p0 = x + corners[0], p1 = x + corners[1], p2 = x + corners[2]
    let p3 = x + corners[3], p4 = x + corners[4], p5 = x + corners[5]
    var bp = b
    for t in 0..<depth {
        let o = offsets[t]
        tile.add(p0[o], p1[o], p2[o], p3[o], p4[o], p5[o], b: bp)
        bp += 16
    }
    return tile
}

@inline(never)
func conv2dShallowF32_6x16(x: UnsafePointer<Float>, corners: UnsafePointer<Int>, offsets: UnsafePointer<Int>,
                           depth: Int, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, ldc: Int,
                           row: Int, column: Int, rows: Int, columns: Int, epilogue: GEMMF32Epilogue) {
    let tile = accumulateShallowF32_6x16(x: x, corners: corners, offsets: offsets, depth: depth, b: b)
    tile.store(epilogue, c: c, ldc: ldc, row: row, column: column, rows: rows, columns: columns, accumulate: false)
}
