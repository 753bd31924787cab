import Kernels
import Testing

/// Quantization to uint8 and the FP32 epilogue of the int8 GEMM match their scalar references
/// bit for bit, on awkward lengths and on values at the rounding and clamping edges.
@Suite struct QuantizationS8Tests {
    @Test(arguments: [1, 3, 7, 8, 17, 33, 100])
    func quantizeMatchesReference(count: Int) {
        var g = TestData(seed: UInt64(count))
        var x = (0..<count).map { _ in Float.random(in: -3...5, using: &g) }
        // Exact halves (ties to even), the clamp edges and non-finite values.
        let edges: [Float] = [0.5, 1.5, 2.5, -0.5, 254.5, 255.5, .nan, .infinity, -.infinity, 1e30]
        for (i, e) in edges.enumerated() where i < count { x[i] = e * 0.05 }
        if count > 5 { x[count - 1] = .nan }
        var fast = [UInt8](repeating: 7, count: count), slow = fast
        quantizeU8(count: count, x: x, inverseScale: 20, zeroPoint: 64, y: &fast)
        quantizeU8Reference(count: count, x: x, inverseScale: 20, zeroPoint: 64, y: &slow)
        #expect(fast == slow)
    }

    @Test(arguments: [1, 7, 8, 33])
    func centeredQuantizationIsTheUInt8ValueMinusTheZeroPoint(count: Int) {
        var g = TestData(seed: UInt64(count) + 50)
        var x = (0..<count).map { _ in Float.random(in: -3...5, using: &g) }
        x[0] = .nan
        var bytes = [UInt8](repeating: 0, count: count)
        var centered = [Int16](repeating: 0, count: count)
        quantizeU8Reference(count: count, x: x, inverseScale: 40, zeroPoint: 100, y: &bytes)
        quantizeCenteredS16(count: count, x: x, inverseScale: 40, zeroPoint: 100, y: &centered)
        #expect(centered == bytes.map { Int16($0) - 100 })
    }

    @Test func quantizeRoundsHalfToEvenAndClamps() {
        let x: [Float] = [0.5, 1.5, 2.5, -10, 300, .nan, .infinity, -.infinity, 127.49]
        var y = [UInt8](repeating: 1, count: x.count)
        quantizeU8(count: x.count, x: x, inverseScale: 1, zeroPoint: 0, y: &y)
        #expect(y == [0, 2, 2, 0, 255, 0, 255, 0, 127])
    }

    @Test(arguments: [(1, 1), (3, 7), (7, 17), (17, 33), (2, 64), (5, 8)])
    func dequantizeMatchesReference(rows: Int, columns: Int) {
        var g = TestData(seed: UInt64(rows * 100 + columns))
        let ldacc = columns + 1, ldy = columns + 3
        let acc = (0..<rows * ldacc).map { _ in Int32.random(in: -2_000_000...2_000_000, using: &g) }
        let scale = (0..<columns).map { _ in Float.random(in: 1e-6...1e-4, using: &g) }
        let bias = (0..<columns).map { _ in Float.random(in: -1...1, using: &g) }
        let start = (0..<rows * ldy).map { _ in Float.random(in: -1...1, using: &g) }
        for activation in [ActivationF32.none, .relu, .gelu, .sigmoid] {
            for accumulate in [false, true] {
                var fast = start, slow = start
                bias.withUnsafeBufferPointer { b in
                    dequantizeColumnsF32(rows: rows, columns: columns, acc: acc, ldacc: ldacc, scale: scale,
                                         bias: b.baseAddress, activation: activation, accumulate: accumulate,
                                         y: &fast, ldy: ldy)
                    dequantizeColumnsF32Reference(rows: rows, columns: columns, acc: acc, ldacc: ldacc, scale: scale,
                                                  bias: b.baseAddress, activation: activation, accumulate: accumulate,
                                                  y: &slow, ldy: ldy)
                }
                #expect(fast.map(\.bitPattern) == slow.map(\.bitPattern), "\(activation) accumulate \(accumulate)")
            }
        }
    }

    /// The int8 convolution (quantized im2col + GEMM) equals a direct integer convolution.
    @Test(arguments: [(1, 28, 28, 3, 1, 0), (32, 13, 13, 3, 1, 0), (3, 7, 9, 3, 2, 1), (5, 8, 8, 4, 4, 0),
                      (4, 7, 9, 3, 2, 1)])
    func im2colGEMMEqualsDirectIntegerConvolution(channels: Int, height: Int, width: Int,
                                                  kernel: Int, stride: Int, padding: Int) {
        var g = TestData(seed: UInt64(channels * 7 + height))
        let outputs = 17, zeroPoint: Int32 = 11
        for channelsLast in [false, true] {
            let geometry = Conv2DGeometry(channels: channels, height: height, width: width, kernel: (kernel, kernel),
                                          stride: (stride, stride), padding: (padding, padding), channelsLast: channelsLast)
            let image = [UInt8].random(count: channels * height * width, using: &g)
            let weights = [Int8].random(count: outputs * geometry.windowSize, using: &g)   // [out][(ky, kx, c)]
            let left = PackedLeftS8(rows: geometry.positions, depth: geometry.windowSize)
            let centered = image.map { Int16($0) - Int16(zeroPoint) }
            im2colPackLeftS8(geometry, image: centered, into: left)
            let right = PackedRightS8(depth: geometry.windowSize, columns: outputs)
            right.pack(transposed: weights, ld: geometry.windowSize)
            var actual = [Int32](repeating: 0, count: geometry.positions * outputs)
            gemmS8(left: left, right: right, c: &actual, ldc: outputs)

            var expected = [Int32](repeating: 0, count: geometry.positions * outputs)
            for oy in 0..<geometry.outputHeight {
                for ox in 0..<geometry.outputWidth {
                    for o in 0..<outputs {
                        var sum: Int32 = 0
                        for ky in 0..<kernel {
                            for kx in 0..<kernel {
                                let y = oy * stride - padding + ky, x = ox * stride - padding + kx
                                guard y >= 0, y < height, x >= 0, x < width else { continue }
                                for c in 0..<channels {
                                    let v = image[c * geometry.channelStride + y * geometry.rowStride + x * geometry.columnStride]
                                    sum += (Int32(v) - zeroPoint) * Int32(weights[o * geometry.windowSize + (ky * kernel + kx) * channels + c])
                                }
                            }
                        }
                        expected[(oy * geometry.outputWidth + ox) * outputs + o] = sum
                    }
                }
            }
            #expect(actual == expected, "channelsLast \(channelsLast)")
        }
    }
}
