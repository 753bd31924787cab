/// The flat walk of the indirect convolution kernels over one window in (ky, kx, c) order: the
/// element offset from the window's corner, advanced one value at a time. One flat loop keeps a
/// kernel's accumulators in registers (nested ky/kx/c loops made LLVM shuffle and spill them).
struct ConvolutionWindowWalk {
    /// Offset of the current element from the window's top-left corner.
    var offset = 0
    private var corner = 0, kx = 0, remaining: Int
    private let channels: Int, channelStride: Int, columnStride: Int, kernelWidth: Int, nextRow: Int
    /// Values under the window: the number of `advance()` steps.
    let count: Int

    @inline(__always)
    init(kernelHeight: Int, kernelWidth: Int, rowStride: Int, columnStride: Int, channels: Int, channelStride: Int) {
        remaining = channels
        self.channels = channels
        self.channelStride = channelStride
        self.columnStride = columnStride
        self.kernelWidth = kernelWidth
        nextRow = rowStride - kernelWidth * columnStride
        count = kernelHeight * kernelWidth * channels
    }

    /// Moves to the next value: the next channel, or the next tap when a channel run ends.
    @inline(__always)
    mutating func advance() {
        offset &+= channelStride
        remaining &-= 1
        if remaining == 0 {
            remaining = channels
            kx &+= 1
            corner &+= columnStride
            if kx == kernelWidth {
                kx = 0
                corner &+= nextRow
            }
            offset = corner
        }
    }
}
