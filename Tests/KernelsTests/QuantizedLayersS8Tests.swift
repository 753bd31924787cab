import Kernels
import Testing

/// The uint8-to-uint8 layer kernels (requantizing epilogue, max pooling, centering, the indirect
/// convolution) match their scalar references bit for bit on awkward sizes.
@Suite struct QuantizedLayersS8Tests {
    @Test(arguments: [(1, 1), (3, 7), (7, 17), (17, 33), (2, 64), (5, 8)])
    func requantizeMatchesReference(rows: Int, columns: Int) {
        var g = TestData(seed: UInt64(rows * 31 + columns))
        let ldacc = columns + 2, ldy = columns + 5
        var acc = (0..<rows * ldacc).map { _ in Int32.random(in: -3_000_000...3_000_000, using: &g) }
        acc[0] = 0
        let scale = (0..<columns).map { _ in Float.random(in: 1e-7...1e-5, using: &g) }
        let bias = (0..<columns).map { _ in Float.random(in: -2...2, using: &g) }
        for activation in [ActivationF32.none, .relu, .tanh, .gelu] {
            for withBias in [false, true] {
                var fast = [UInt8](repeating: 9, count: rows * ldy), slow = fast
                bias.withUnsafeBufferPointer { b in
                    let b = withBias ? b.baseAddress : nil
                    requantizeColumnsU8(rows: rows, columns: columns, acc: acc, ldacc: ldacc, scale: scale, bias: b,
                                        activation: activation, outputInverseScale: 40, outputZeroPoint: 90,
                                        y: &fast, ldy: ldy)
                    requantizeColumnsU8Reference(rows: rows, columns: columns, acc: acc, ldacc: ldacc, scale: scale,
                                                 bias: b, activation: activation, outputInverseScale: 40,
                                                 outputZeroPoint: 90, y: &slow, ldy: ldy)
                }
                #expect(fast == slow, "\(activation) bias \(withBias)")
            }
        }
    }

    /// Requantizing equals dequantizing to FP32 and quantizing again: chaining through uint8
    /// changes no bits of an int8 model.
    @Test func requantizeEqualsDequantizeThenQuantize() {
        var g = TestData(seed: 77)
        let rows = 5, columns = 33
        let acc = (0..<rows * columns).map { _ in Int32.random(in: -1_000_000...1_000_000, using: &g) }
        let scale = (0..<columns).map { _ in Float.random(in: 1e-6...1e-5, using: &g) }
        let bias = (0..<columns).map { _ in Float.random(in: -1...1, using: &g) }
        var direct = [UInt8](repeating: 0, count: rows * columns), viaFloat = direct
        var floats = [Float](repeating: 0, count: rows * columns)
        bias.withUnsafeBufferPointer { b in
            requantizeColumnsU8(rows: rows, columns: columns, acc: acc, ldacc: columns, scale: scale, bias: b.baseAddress,
                                activation: .relu, outputInverseScale: 25, outputZeroPoint: 3, y: &direct, ldy: columns)
            dequantizeColumnsF32(rows: rows, columns: columns, acc: acc, ldacc: columns, scale: scale, bias: b.baseAddress,
                                 activation: .relu, accumulate: false, y: &floats, ldy: columns)
        }
        quantizeU8(count: floats.count, x: floats, inverseScale: 25, zeroPoint: 3, y: &viaFloat)
        #expect(direct == viaFloat)
        #expect(direct.allSatisfy { $0 >= 3 }, "ReLU is the clamp at the zero point")
    }

    @Test(arguments: [1, 3, 7, 16, 17, 33, 100])
    func centeringSubtractsTheZeroPoint(count: Int) {
        var g = TestData(seed: UInt64(count) + 9)
        let x = [UInt8].random(count: count, using: &g)
        var y = [Int16](repeating: 0, count: count)
        centerU8(count: count, x: x, zeroPoint: 131, y: &y)
        #expect(y == x.map { Int16($0) - 131 })
    }

    @Test(arguments: [(1, 4, 4, 2, 2), (3, 7, 7, 3, 2), (17, 6, 5, 2, 2), (32, 26, 26, 2, 2), (33, 11, 11, 2, 2),
                      (64, 5, 7, 3, 1)])
    func maxPoolMatchesReference(channels: Int, height: Int, width: Int, kernel: Int, stride: Int) {
        var g = TestData(seed: UInt64(channels * 13 + height))
        let x = [UInt8].random(count: channels * height * width, using: &g)
        for channelsLast in [false, true] {
            let geometry = Conv2DGeometry(channels: channels, height: height, width: width, kernel: (kernel, kernel),
                                          stride: (stride, stride), channelsLast: channelsLast)
            var fast = [UInt8](repeating: 0, count: geometry.positions * channels), slow = fast
            maxPoolU8(geometry, x: x, y: &fast)
            maxPoolU8Reference(geometry, x: x, y: &slow)
            #expect(transposed(fast, rows: geometry.positions, columns: channels) == slow, "channelsLast \(channelsLast)")
        }
    }

    /// The indirect convolution's sums equal a direct integer convolution, for both layouts it
    /// takes, odd output counts and position counts that are not multiples of six.
    @Test(arguments: [(1, 28, 28, 3, 1, false), (1, 7, 9, 3, 2, false), (1, 5, 6, 4, 1, false), (32, 13, 13, 3, 1, true),
                      (2, 3, 3, 3, 1, true), (6, 8, 7, 2, 2, true), (64, 5, 5, 3, 1, true)])
    func indirectConvolutionEqualsDirectIntegerConvolution(channels: Int, height: Int, width: Int, kernel: Int,
                                                           stride: Int, channelsLast: Bool) throws {
        var g = TestData(seed: UInt64(channels * 5 + height * 3 + kernel))
        let zeroPoint: Int32 = 37
        let geometry = Conv2DGeometry(channels: channels, height: height, width: width, kernel: (kernel, kernel),
                                      stride: (stride, stride), channelsLast: channelsLast)
        let layout = try #require(IndirectConvS8Layout(geometry))
        for outputs in [1, 17, 32, 33] {
            let image = [UInt8].random(count: channels * height * width, using: &g)
            let weights = [Int8].random(count: outputs * channels * kernel * kernel, using: &g)   // OIHW
            var expected = [Int32](repeating: 0, count: geometry.positions * outputs)
            conv2dS8Reference(geometry, x: image, zeroPoint: zeroPoint, weights: weights, outputs: outputs, c: &expected)
            // The padding element(s) hold garbage: their weights are 0.
            var centered = [Int16](repeating: 999, count: image.count + layout.imagePadding)
            centerU8(count: image.count, x: image, zeroPoint: zeroPoint, y: &centered)
            let right = PackedRightS8(depth: layout.depth, columns: outputs)
            right.pack(transposed: layout.reorderedWeights(weights, outputs: outputs), ld: layout.depth)
            var actual = [Int32](repeating: -1, count: geometry.positions * outputs)
            var scratch = [Int32](repeating: 0, count: indirectConvS8ScratchSize(outputs: outputs))
            var blocks = 0
            conv2dS8Indirect(layout, image: centered, right: right, scratch: &scratch) { first, count, acc, ldacc in
                for r in 0..<count {
                    for o in 0..<outputs { actual[(first + r) * outputs + o] = acc[r * ldacc + o] }
                }
                blocks += 1
            }
            #expect(actual == expected, "\(outputs) outputs")
            #expect(blocks == (geometry.positions + 5) / 6)
        }
    }

    @Test func indirectConvolutionDeclinesPaddingAndOddChannelsLast() {
        let padded = Conv2DGeometry(channels: 2, height: 5, width: 5, kernel: (3, 3), padding: (1, 1), channelsLast: true)
        let odd = Conv2DGeometry(channels: 3, height: 5, width: 5, kernel: (3, 3), channelsLast: true)
        #expect(IndirectConvS8Layout(padded) == nil)
        #expect(IndirectConvS8Layout(odd) == nil)
    }
}
