/// Shape of one 2-D convolution or pooling window over a `[C, H, W]` image. The input may be
/// stored in any layout, given by the strides of its channel, row and column axes.
public struct Conv2DGeometry: Equatable, Sendable {
    public var channels: Int, height: Int, width: Int
    public var kernelHeight: Int, kernelWidth: Int
    public var strideY: Int, strideX: Int
    public var padY: Int, padX: Int
    /// Element strides of the input's channel, row and column axes.
    public var channelStride: Int, rowStride: Int, columnStride: Int

    public init(channels: Int, height: Int, width: Int, kernel: (Int, Int), stride: (Int, Int) = (1, 1),
                padding: (Int, Int) = (0, 0), channelsLast: Bool) {
        self.channels = channels; self.height = height; self.width = width
        (kernelHeight, kernelWidth) = kernel
        (strideY, strideX) = stride
        (padY, padX) = padding
        if channelsLast {
            (channelStride, rowStride, columnStride) = (1, width * channels, channels)
        } else {
            (channelStride, rowStride, columnStride) = (height * width, width, 1)
        }
    }

    public var outputHeight: Int { (height + 2 * padY - kernelHeight) / strideY + 1 }
    public var outputWidth: Int { (width + 2 * padX - kernelWidth) / strideX + 1 }
    /// Output positions: the rows of the im2col matrix.
    public var positions: Int { outputHeight * outputWidth }
    /// Values under one window: the depth of the im2col matrix, ordered (ky, kx, c).
    public var windowSize: Int { kernelHeight * kernelWidth * channels }
}

extension Conv2DGeometry {
    /// OIHW int8 weights (`w[o][c][ky][kx]`) as `[outputs][depth]` rows for a kernel's depth order:
    /// weight (o, c, ky, kx) lands at `depthIndex(ky, kx, c)` of row o; every other byte is 0.
    public func reorderedOIHW(_ w: UnsafePointer<Int8>, outputs: Int, depth: Int,
                              depthIndex: (_ ky: Int, _ kx: Int, _ c: Int) -> Int) -> [Int8] {
        let taps = kernelHeight * kernelWidth
        var result = [Int8](repeating: 0, count: outputs * depth)
        for o in 0..<outputs {
            for c in 0..<channels {
                for ky in 0..<kernelHeight {
                    for kx in 0..<kernelWidth {
                        result[o * depth + depthIndex(ky, kx, c)] = w[(o * channels + c) * taps + ky * kernelWidth + kx]
                    }
                }
            }
        }
        return result
    }
}
