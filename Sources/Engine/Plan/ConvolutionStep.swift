import Kernels

/// Conv2D and patch embedding: the indirect convolution kernel (no im2col matrix) against the
/// weights packed at init, bias and activation fused; shallow windows (`ShallowConv2DF32`) take
/// the tap-table kernel instead, and 3×3 stride-1 layers that `WinogradConv2DF32.prefers` the
/// Winograd F(2×2, 3×3) kernel. Output is channels-last `[OH·OW, O]`,
/// which for a patch embedding is exactly the token matrix `[T, D]`. A Winograd layer followed by
/// a 2×2 stride-2 max pool runs both in one pass when nothing observes (`fusePool`).
final class ConvolutionStep: Step {
    let point: ActivationPoint?
    let outputCount: Int
    private let geometry: Conv2DGeometry
    private let weights: PackedWeights
    private let activation: ActivationF32
    private let inputCount: Int
    private let workspace: FloatBuffer
    private let shallow: ShallowConv2DF32?
    private let winograd: WinogradConv2DF32?
    /// The Winograd kernel that also pools (`WinogradConv2DF32.pooling2x2`), once `fusePool` took the pool.
    private var pooledWinograd: WinogradConv2DF32?
    var fusesNextStep: Bool { pooledWinograd != nil }

    init(point: ActivationPoint, geometry: Conv2DGeometry, weights: PackedWeights, activation: ActivationF32) {
        self.point = point
        self.geometry = geometry
        self.weights = weights
        self.activation = activation
        inputCount = geometry.channels * geometry.height * geometry.width
        outputCount = geometry.positions * weights.outputs
        shallow = ShallowConv2DF32(geometry)
        winograd = weights.winograd == nil ? nil : WinogradConv2DF32(geometry, outChannels: weights.outputs)
        workspace = FloatBuffer(count: winograd?.workspaceSize ?? shallow?.workspaceSize ?? conv2dF32WorkspaceSize(geometry))
    }

    /// Takes the max pool `pool` (over this step's output) that follows, when the Winograd kernel
    /// can pool its tiles: a 2×2 window with stride 2. The pooled kernel needs less workspace.
    func fusePool(_ pool: Conv2DGeometry) {
        guard weights.quantized == nil, let winograd, pool.kernelHeight == 2, pool.kernelWidth == 2,
              pool.strideY == 2, pool.strideX == 2, pool.padY == 0, pool.padX == 0,
              pool.height == geometry.outputHeight, pool.width == geometry.outputWidth,
              pool.channels == weights.outputs else { return }
        pooledWinograd = winograd.pooling2x2
    }

    func runWithNextStep(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, batch: Int) {
        guard let pooled = pooledWinograd, let transformed = weights.winograd else {
            preconditionFailure("ConvolutionStep fuses no pool")
        }
        let pooledCount = pooled.tiles * weights.outputs
        for b in 0..<batch {
            conv2dWinogradF32(pooled, x: x + b * inputCount, packedWeights: transformed.pointer,
                              bias: weights.biasPointer, activation: activation, y: y + b * pooledCount,
                              workspace: workspace.pointer)
        }
    }

    func run(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, batch: Int, observe: ActivationObserver) {
        if let quantized = weights.quantized {
            for b in 0..<batch {
                quantized.convolve(geometry, x: x + b * inputCount, y: y + b * outputCount, activation: activation)
            }
            return
        }
        if let winograd, let transformed = weights.winograd {
            for b in 0..<batch {
                conv2dWinogradF32(winograd, x: x + b * inputCount, packedWeights: transformed.pointer,
                                  bias: weights.biasPointer, activation: activation, y: y + b * outputCount,
                                  workspace: workspace.pointer)
            }
            return
        }
        if let shallow {
            for b in 0..<batch {
                conv2dShallowF32(shallow, outChannels: weights.outputs, x: x + b * inputCount,
                                 packedWeights: weights.packed.pointer, bias: weights.biasPointer, activation: activation,
                                 y: y + b * outputCount, workspace: workspace.pointer)
            }
            return
        }
        for b in 0..<batch {
            conv2dF32(geometry, outChannels: weights.outputs, x: x + b * inputCount, packedWeights: weights.packed.pointer,
                      bias: weights.biasPointer, activation: activation, y: y + b * outputCount,
                      workspace: workspace.pointer)
        }
    }
}

/// Max pooling to a channels-last output.
final class MaxPoolStep: Step {
    let point: ActivationPoint?
    let outputCount: Int
    private let geometry: Conv2DGeometry
    private let inputCount: Int

    init(point: ActivationPoint, geometry: Conv2DGeometry) {
        self.point = point
        self.geometry = geometry
        inputCount = geometry.channels * geometry.height * geometry.width
        outputCount = geometry.positions * geometry.channels
    }

    func run(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, batch: Int, observe: ActivationObserver) {
        for b in 0..<batch {
            maxPoolF32(geometry, x: x + b * inputCount, y: y + b * outputCount)
        }
    }
}

/// Copies each sample, turning a channels-last `[H·W, C]` image into `[C, H·W]` when asked:
/// used for Flatten (whose order is C, H, W) and before layers that need the standard layout.
final class LayoutStep: Step {
    let point: ActivationPoint?
    let outputCount: Int
    private let channels: Int
    private let pixels: Int
    private let transpose: Bool

    init(point: ActivationPoint?, channels: Int, pixels: Int, transpose: Bool) {
        self.point = point
        self.channels = channels
        self.pixels = pixels
        self.transpose = transpose
        outputCount = channels * pixels
    }

    func run(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, batch: Int, observe: ActivationObserver) {
        copyLayout(x, y, batch: batch, channels: channels, pixels: pixels, transpose: transpose)
    }
}

/// Copies `batch` samples of `channels · pixels` values, turning each channels-last `[pixels, channels]`
/// image into `[channels, pixels]` (Flatten's C, H, W order) when `transpose`; FP32 and uint8 alike.
func copyLayout<Element>(_ x: UnsafePointer<Element>, _ y: UnsafeMutablePointer<Element>, batch: Int,
                         channels: Int, pixels: Int, transpose: Bool) {
    let count = channels * pixels
    guard transpose else {
        y.update(from: x, count: batch * count)
        return
    }
    for b in 0..<batch {
        let src = x + b * count, dst = y + b * count
        for p in 0..<pixels {
            for c in 0..<channels { dst[c * pixels + p] = src[p * channels + c] }
        }
    }
}
