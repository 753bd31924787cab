/// Int8 convolution on the quad GEMM (`gemmU8S8`, AVX512_VNNI where the CPU has it): output
/// positions go in blocks of `ConvolutionU8S8Scratch.blockRows`; each block's windows are gathered
/// from the uint8 image (any layout `g`'s strides describe) into rows of `right.paddedDepth` bytes
/// in the depth order (ky, kx, c), multiplied, and handed to `epilogue(first, count, acc, ldacc)`.
/// Padding taps read as `zeroPoint`, so they contribute 0. `right` holds the weights in that depth
/// order (`Conv2DGeometry.windowOrderedWeights`). The sums equal `conv2dS8Reference` bit for bit.
/// Allocates nothing.
public func conv2dU8S8(_ g: Conv2DGeometry, image: UnsafePointer<UInt8>, zeroPoint: Int32, right: PackedRightS8x4,
                       scratch: ConvolutionU8S8Scratch,
                       epilogue: (_ first: Int, _ count: Int, _ acc: UnsafePointer<Int32>, _ ldacc: Int) -> Void) {
    precondition(right.depth == g.windowSize && scratch.rowBytes >= right.paddedDepth && scratch.columns >= right.columns,
                 "conv2dU8S8: weights of depth \(right.depth) for windows of \(g.windowSize), scratch too small")
    let ld = scratch.rowBytes, padByte = UInt8(clamping: zeroPoint)
    var first = 0
    while first < g.positions {
        let count = min(ConvolutionU8S8Scratch.blockRows, g.positions - first)
        for r in 0..<count {
            gatherWindow(g, position: first + r, image: image, padByte: padByte, into: scratch.rows + r * ld)
        }
        gemmU8S8(rows: count, a: scratch.rows, lda: ld, zeroPoint: zeroPoint, right: right, c: scratch.accumulators,
                 ldc: right.columns)
        epilogue(first, count, scratch.accumulators, right.columns)
        first += count
    }
}

/// Per-instance buffers of `conv2dU8S8`: one block of window rows and their Int32 sums.
public final class ConvolutionU8S8Scratch: @unchecked Sendable {
    /// Output positions per block: a multiple of the kernel's six rows, small enough that the
    /// block's rows stay in L1 while every weight panel passes over them.
    public static let blockRows = 24
    let rowBytes: Int
    let columns: Int
    let rows: UnsafeMutablePointer<UInt8>
    let accumulators: UnsafeMutablePointer<Int32>

    /// Buffers for weights of `right`'s depth and column count.
    public init(for right: PackedRightS8x4) {
        rowBytes = right.paddedDepth
        columns = right.columns
        rows = .allocate(capacity: Self.blockRows * rowBytes)
        rows.initialize(repeating: 0, count: Self.blockRows * rowBytes)
        accumulators = .allocate(capacity: Self.blockRows * columns)
    }

    deinit {
        rows.deallocate()
        accumulators.deallocate()
    }
}

/// Copies the window of output `position` into `row` in (ky, kx, c) order: whole kernel rows at
/// once when the image is channels-last and the row lies inside it.
@inline(__always)
private func gatherWindow(_ g: Conv2DGeometry, position: Int, image: UnsafePointer<UInt8>, padByte: UInt8,
                          into row: UnsafeMutablePointer<UInt8>) {
    let oy = position / g.outputWidth, ox = position % g.outputWidth
    let y0 = oy * g.strideY - g.padY, x0 = ox * g.strideX - g.padX
    let rowLength = g.kernelWidth * g.channels
    let contiguous = g.channelStride == 1 && g.columnStride == g.channels
    var out = row
    for ky in 0..<g.kernelHeight {
        let iy = y0 + ky
        if contiguous && iy >= 0 && iy < g.height && x0 >= 0 && x0 + g.kernelWidth <= g.width {
            out.update(from: image + iy * g.rowStride + x0 * g.columnStride, count: rowLength)
        } else {
            for kx in 0..<g.kernelWidth {
                let ix = x0 + kx, inside = iy >= 0 && iy < g.height && ix >= 0 && ix < g.width
                let tap = image + iy * g.rowStride + ix * g.columnStride
                for c in 0..<g.channels { out[kx * g.channels + c] = inside ? tap[c * g.channelStride] : padByte }
            }
        }
        out += rowLength
    }
}

extension Conv2DGeometry {
    /// OIHW int8 weights as `[outputs][windowSize]` rows in the (ky, kx, c) depth order of
    /// `conv2dU8S8`'s windows.
    public func windowOrderedWeights(_ w: UnsafePointer<Int8>, outputs: Int) -> [Int8] {
        reorderedOIHW(w, outputs: outputs, depth: windowSize) { ky, kx, c in (ky * kernelWidth + kx) * channels + c }
    }
}
