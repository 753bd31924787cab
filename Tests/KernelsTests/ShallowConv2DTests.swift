import Kernels
import Testing

/// The shallow-window convolutions (tap-table kernel): FP32 against the scalar reference and bit
/// for bit against the indirect kernel; int8 sums bit for bit against the integer reference, with
/// padding, strides, both input layouts, odd channel and output counts.
@Suite struct ShallowConv2DTests {
    static let shapes = [(1, 28, 28, 3, 1, 0), (1, 7, 7, 3, 1, 1), (3, 17, 9, 3, 2, 1), (1, 1, 1, 1, 1, 0),
                         (3, 7, 7, 3, 1, 1), (1, 17, 33, 5, 2, 2), (1, 3, 3, 3, 1, 1), (2, 33, 7, 4, 4, 0), (7, 9, 5, 1, 1, 0)]

    @Test(arguments: shapes)
    func fp32MatchesReferenceAndIndirectKernel(c: Int, h: Int, w: Int, kernel: Int, stride: Int, pad: Int) throws {
        var data = TestData(seed: UInt64(c * 1000 + h * 10 + kernel))
        for outChannels in [1, 17, 32, 33] {
            let chw = data.floats(c * h * w), weights = data.floats(outChannels * c * kernel * kernel), bias = data.floats(outChannels)
            let hwc = (0..<chw.count).map { i in chw[(i % c) * h * w + i / c] }
            let standard = Conv2DGeometry(channels: c, height: h, width: w, kernel: (kernel, kernel),
                                          stride: (stride, stride), padding: (pad, pad), channelsLast: false)
            for activation in [ActivationF32.relu, .tanh] {
                var expected = [Float](repeating: 0, count: standard.positions * outChannels)
                conv2dF32Reference(standard, outChannels: outChannels, x: chw, weights: weights, bias: bias,
                                   activation: activation, y: &expected)
                for (g, x) in [(standard, chw), (Conv2DGeometry(channels: c, height: h, width: w, kernel: (kernel, kernel),
                                                                 stride: (stride, stride), padding: (pad, pad), channelsLast: true), hwc)] {
                    let shallow = try #require(ShallowConv2DF32(g))
                    var packed = [Float](repeating: 0, count: gemmF32PackedBSize(k: g.windowSize, n: outChannels))
                    packConv2DWeightsF32(outChannels: outChannels, g, weights: weights, into: &packed)
                    var workspace = [Float](repeating: .nan, count: max(1, shallow.workspaceSize, conv2dF32WorkspaceSize(g)))
                    var fast = [Float](repeating: .nan, count: g.positions * outChannels), indirect = fast
                    bias.withUnsafeBufferPointer { b in
                        conv2dShallowF32(shallow, outChannels: outChannels, x: x, packedWeights: packed, bias: b.baseAddress,
                                         activation: activation, y: &fast, workspace: &workspace)
                        conv2dF32(g, outChannels: outChannels, x: x, packedWeights: packed, bias: b.baseAddress,
                                  activation: activation, y: &indirect, workspace: &workspace)
                    }
                    let label = "c \(c) \(h)x\(w) k \(kernel) s \(stride) p \(pad) o \(outChannels) \(activation) last \(g.channelStride == 1)"
                    #expect(maxAbsDifference(LayerKernelsF32Tests.channelsFirst(fast, channels: outChannels), expected) <= 2e-5, "\(label)")
                    #expect(fast.map(\.bitPattern) == indirect.map(\.bitPattern), "\(label)")
                }
            }
        }
    }

    @Test func declinesWindowsDeeperThanItsLimit() {
        let deep = Conv2DGeometry(channels: 4, height: 9, width: 9, kernel: (3, 3), channelsLast: true)
        let limit = Conv2DGeometry(channels: 2, height: 9, width: 9, kernel: (4, 4), channelsLast: true)
        #expect(ShallowConv2DF32(deep) == nil)
        #expect(ShallowConv2DF32(limit)?.offsets.count == ShallowConv2DF32.maximumWindow)
    }

    /// Exact FP32 sums of centered uint8 × int8 are the integer sums, padding taps contributing 0.
    @Test(arguments: shapes)
    func int8SumsEqualTheIntegerReference(c: Int, h: Int, w: Int, kernel: Int, stride: Int, pad: Int) throws {
        var data = TestData(seed: UInt64(c * 77 + h * 3 + kernel))
        let zeroPoint: Int32 = 201
        for channelsLast in [false, true] {
            let g = Conv2DGeometry(channels: c, height: h, width: w, kernel: (kernel, kernel), stride: (stride, stride),
                                   padding: (pad, pad), channelsLast: channelsLast)
            let shallow = try #require(ShallowConv2DF32(g))
            for outputs in [1, 17, 32, 33] {
                // Extreme values too: the largest magnitudes must still sum exactly.
                var image = [UInt8].random(count: c * h * w, using: &data)
                image[0] = 0
                var weights = [Int8].random(count: outputs * g.windowSize, using: &data)
                weights[0] = -127
                var expected = [Int32](repeating: 0, count: g.positions * outputs)
                conv2dS8Reference(g, x: image, zeroPoint: zeroPoint, weights: weights, outputs: outputs, c: &expected)
                var centered = [Float](repeating: 0, count: image.count)
                centerU8AsF32(count: image.count, x: image, zeroPoint: zeroPoint, y: &centered)
                var packed = [Float](repeating: 0, count: gemmF32PackedBSize(k: g.windowSize, n: outputs))
                packConv2DWeightsS8AsF32(outChannels: outputs, g, weights: weights, into: &packed)
                var workspace = [Float](repeating: .nan, count: max(1, shallow.workspaceSize))
                var scratch = [Int32](repeating: 0, count: indirectConvS8ScratchSize(outputs: outputs))
                var actual = [Int32](repeating: -1, count: g.positions * outputs)
                var blocks = 0
                conv2dS8Shallow(shallow, image: centered, packedWeights: packed, outputs: outputs, workspace: &workspace,
                                scratch: &scratch) { first, count, acc, ldacc in
                    for r in 0..<count {
                        for o in 0..<outputs { actual[(first + r) * outputs + o] = acc[r * ldacc + o] }
                    }
                    blocks += 1
                }
                #expect(actual == expected, "c \(c) \(h)x\(w) k \(kernel) s \(stride) p \(pad) o \(outputs) last \(channelsLast)")
                #expect(blocks == (g.positions + 5) / 6)
            }
        }
    }

    /// The fused uint8 epilogue gives the bytes of the integer reference sums requantized by the reference.
    @Test(arguments: shapes)
    func int8FusedRequantizationEqualsTheReference(c: Int, h: Int, w: Int, kernel: Int, stride: Int, pad: Int) throws {
        var data = TestData(seed: UInt64(c * 91 + h * 7 + kernel))
        let zeroPoint: Int32 = 13
        for channelsLast in [false, true] {
            let g = Conv2DGeometry(channels: c, height: h, width: w, kernel: (kernel, kernel), stride: (stride, stride),
                                   padding: (pad, pad), channelsLast: channelsLast)
            let shallow = try #require(ShallowConv2DF32(g))
            for outputs in [16, 32, 48] {
                let image = [UInt8].random(count: c * h * w, using: &data)
                let weights = [Int8].random(count: outputs * g.windowSize, using: &data)
                let scale = (0..<outputs).map { _ in Float.random(in: 1e-5...1e-3, using: &data) }
                let bias = (0..<outputs).map { _ in Float.random(in: -1...1, using: &data) }
                var sums = [Int32](repeating: 0, count: g.positions * outputs)
                conv2dS8Reference(g, x: image, zeroPoint: zeroPoint, weights: weights, outputs: outputs, c: &sums)
                var centered = [Float](repeating: 0, count: image.count)
                centerU8AsF32(count: image.count, x: image, zeroPoint: zeroPoint, y: &centered)
                var packed = [Float](repeating: 0, count: gemmF32PackedBSize(k: g.windowSize, n: outputs))
                packConv2DWeightsS8AsF32(outChannels: outputs, g, weights: weights, into: &packed)
                var workspace = [Float](repeating: .nan, count: max(1, shallow.workspaceSize))
                for (activation, withBias) in [(ActivationF32.relu, true), (.none, true), (.relu, false)] {
                    var expected = [UInt8](repeating: 0, count: sums.count), actual = [UInt8](repeating: 7, count: sums.count)
                    scale.withUnsafeBufferPointer { s in
                        bias.withUnsafeBufferPointer { b in
                            let b = withBias ? b.baseAddress : nil
                            requantizeColumnsU8Reference(rows: g.positions, columns: outputs, acc: sums, ldacc: outputs,
                                                         scale: s.baseAddress!, bias: b, activation: activation,
                                                         outputInverseScale: 20, outputZeroPoint: 100, y: &expected, ldy: outputs)
                            let q = ShallowConvS8Requantization(scale: s.baseAddress!, bias: b, relu: activation == .relu,
                                                                outputInverseScale: 20, outputZeroPoint: 100)
                            conv2dS8ShallowU8(shallow, image: centered, packedWeights: packed, outputs: outputs,
                                              requantization: q, workspace: &workspace, y: &actual)
                        }
                    }
                    #expect(actual == expected, "c \(c) \(h)x\(w) k \(kernel) p \(pad) o \(outputs) \(activation) bias \(withBias)")
                }
            }
        }
    }

    @Test(arguments: [1, 7, 8, 33])
    func centeredFloatsAreTheCenteredIntegers(count: Int) {
        var g = TestData(seed: UInt64(count) + 90)
        var x = (0..<count).map { _ in Float.random(in: -3...5, using: &g) }
        let specials: [Float] = [.nan, .infinity, -.infinity, -2.5 / 40, 0.5 / 40, 1e9]
        for (i, s) in specials.prefix(count).enumerated() { x[i] = s }
        var integers = [Int16](repeating: 0, count: count), floats = [Float](repeating: .nan, count: count)
        quantizeCenteredS16(count: count, x: x, inverseScale: 40, zeroPoint: 100, y: &integers)
        quantizeCenteredF32(count: count, x: x, inverseScale: 40, zeroPoint: 100, y: &floats)
        #expect(floats == integers.map { Float($0) })

        let bytes = [UInt8].random(count: count, using: &g)
        var centered16 = [Int16](repeating: 0, count: count), centered32 = [Float](repeating: .nan, count: count)
        centerU8(count: count, x: bytes, zeroPoint: 77, y: &centered16)
        centerU8AsF32(count: count, x: bytes, zeroPoint: 77, y: &centered32)
        #expect(centered32 == centered16.map { Float($0) })
    }
}
