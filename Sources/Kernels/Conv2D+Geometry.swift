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
