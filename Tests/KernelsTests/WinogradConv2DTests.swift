import Kernels
import Testing

/// Winograd F(2×2, 3×3) against the scalar reference convolution: odd output sizes (tiles hanging
/// over the edge), channel counts off the vector and tile widths, padding 0 and 1, both input
/// layouts, within its stated error.
@Suite struct WinogradConv2DTests {
    /// The stated bound (see `WinogradConv2DF32`), for values and weights in [-1, 1].
    static let maxError: Float = 2e-5

    @Test(arguments: [(1, 3, 3, 0, 1), (3, 7, 7, 1, 17), (17, 8, 5, 0, 33), (32, 13, 13, 0, 64), (33, 6, 9, 1, 7),
                      (5, 17, 1, 1, 16), (64, 5, 5, 0, 64), (8, 4, 33, 1, 3)])
    func matchesReferenceWithinStatedError(c: Int, h: Int, w: Int, pad: Int, outChannels: Int) throws {
        var data = TestData(seed: UInt64(c * 100 + h * 10 + w + pad))
        let chw = data.floats(c * h * w), weights = data.floats(outChannels * c * 9), bias = data.floats(outChannels)
        let hwc = (0..<chw.count).map { i in chw[(i % c) * h * w + i / c] }
        let standard = Conv2DGeometry(channels: c, height: h, width: w, kernel: (3, 3), padding: (pad, pad), channelsLast: false)
        let last = Conv2DGeometry(channels: c, height: h, width: w, kernel: (3, 3), padding: (pad, pad), channelsLast: true)
        for activation in [ActivationF32.relu, .none, .gelu] {
            var expected = [Float](repeating: 0, count: standard.positions * outChannels)
            conv2dF32Reference(standard, outChannels: outChannels, x: chw, weights: weights, bias: bias,
                               activation: activation, y: &expected)
            for (g, x) in [(standard, chw), (last, hwc)] {
                let plan = try #require(WinogradConv2DF32(g, outChannels: outChannels))
                var packed = [Float](repeating: .nan, count: plan.packedWeightsSize)
                plan.packWeights(weights, into: &packed)
                var workspace = [Float](repeating: .nan, count: plan.workspaceSize)
                var y = [Float](repeating: .nan, count: g.positions * outChannels)
                bias.withUnsafeBufferPointer { b in
                    conv2dWinogradF32(plan, x: x, packedWeights: packed, bias: b.baseAddress, activation: activation,
                                      y: &y, workspace: &workspace)
                }
                let error = maxAbsDifference(LayerKernelsF32Tests.channelsFirst(y, channels: outChannels), expected)
                #expect(error <= Self.maxError, "c \(c) \(h)x\(w) p \(pad) o \(outChannels) \(activation) error \(error)")
            }
        }
    }

    /// The pooled kernel (`pooling2x2`) gives, bit for bit, the full kernel's output max-pooled by
    /// `maxPoolF32` (2×2, stride 2): odd and even output sizes (a last row or column the pool
    /// drops), channel tails, padding 0 and 1, both layouts, activations that are not monotonic.
    @Test(arguments: [(32, 13, 13, 0, 64), (3, 7, 8, 1, 17), (17, 8, 5, 0, 33), (33, 6, 9, 1, 7), (8, 4, 4, 0, 1),
                      (16, 5, 17, 1, 16)])
    func pooledTilesEqualTheConvolutionMaxPooled(c: Int, h: Int, w: Int, pad: Int, outChannels: Int) throws {
        var data = TestData(seed: UInt64(c * 100 + h * 10 + w + pad + 5))
        let hwc = data.floats(c * h * w), weights = data.floats(outChannels * c * 9), bias = data.floats(outChannels)
        for channelsLast in [true, false] {
            let g = Conv2DGeometry(channels: c, height: h, width: w, kernel: (3, 3), padding: (pad, pad),
                                   channelsLast: channelsLast)
            let full = try #require(WinogradConv2DF32(g, outChannels: outChannels))
            let pooled = try #require(full.pooling2x2)
            #expect(pooled.tiles == (g.outputHeight / 2) * (g.outputWidth / 2) && pooled.workspaceSize <= full.workspaceSize)
            var packed = [Float](repeating: .nan, count: full.packedWeightsSize)
            full.packWeights(weights, into: &packed)
            let pool = Conv2DGeometry(channels: outChannels, height: g.outputHeight, width: g.outputWidth,
                                      kernel: (2, 2), stride: (2, 2), channelsLast: true)
            for activation in [ActivationF32.relu, .none, .gelu] {
                var workspace = [Float](repeating: .nan, count: full.workspaceSize)
                var y = [Float](repeating: .nan, count: g.positions * outChannels)
                var actual = [Float](repeating: .nan, count: pool.positions * outChannels)
                bias.withUnsafeBufferPointer { b in
                    conv2dWinogradF32(full, x: hwc, packedWeights: packed, bias: b.baseAddress, activation: activation,
                                      y: &y, workspace: &workspace)
                    conv2dWinogradF32(pooled, x: hwc, packedWeights: packed, bias: b.baseAddress, activation: activation,
                                      y: &actual, workspace: &workspace)
                }
                var expected = [Float](repeating: .nan, count: pool.positions * outChannels)
                maxPoolF32(pool, x: y, y: &expected)
                #expect(actual.map(\.bitPattern) == expected.map(\.bitPattern),
                        "c \(c) \(h)x\(w) p \(pad) o \(outChannels) \(activation) last \(channelsLast)")
            }
        }
    }

    @Test func takesOnlyThreeByThreeStrideOneWindows() {
        let strided = Conv2DGeometry(channels: 32, height: 13, width: 13, kernel: (3, 3), stride: (2, 2), channelsLast: true)
        let wide = Conv2DGeometry(channels: 32, height: 13, width: 13, kernel: (5, 5), channelsLast: true)
        #expect(WinogradConv2DF32(strided, outChannels: 64) == nil)
        #expect(WinogradConv2DF32(wide, outChannels: 64) == nil)
    }

    /// The measured choice on the reference CNN: conv2 (11×11 output) takes it, conv3 (3×3) and
    /// the one-channel conv1 do not.
    @Test func isPreferredWhereItWasMeasuredFaster() {
        let conv1 = Conv2DGeometry(channels: 1, height: 28, width: 28, kernel: (3, 3), channelsLast: false)
        let conv2 = Conv2DGeometry(channels: 32, height: 13, width: 13, kernel: (3, 3), channelsLast: true)
        let conv3 = Conv2DGeometry(channels: 64, height: 5, width: 5, kernel: (3, 3), channelsLast: true)
        #expect(!WinogradConv2DF32.prefers(conv1, outChannels: 32))
        #expect(WinogradConv2DF32.prefers(conv2, outChannels: 64))
        #expect(!WinogradConv2DF32.prefers(conv3, outChannels: 64))
    }
}
