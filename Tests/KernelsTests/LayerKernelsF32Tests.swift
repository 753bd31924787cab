import Kernels
import Testing

/// Softmax, layer norm, pooling, convolution, elementwise and LSTM-cell kernels against their
/// scalar references on awkward sizes.
@Suite struct LayerKernelsF32Tests {
    @Test(arguments: awkwardSizes + [49, 64])
    func softmaxMatchesReference(columns: Int) {
        var data = TestData(seed: UInt64(columns))
        let input = data.floats(3 * columns, in: -30, 30)
        var actual = input, expected = input
        softmaxF32(rows: 3, columns: columns, x: &actual, stride: columns, scale: 0.25)
        softmaxF32Reference(rows: 3, columns: columns, x: &expected, stride: columns, scale: 0.25)
        #expect(maxAbsDifference(actual, expected) <= 1e-6)
    }

    /// Rows go four at a time when they hold a whole vector: every row count around a group, rows
    /// `stride` apart with untouched gaps, and each row the same bits as when it is alone.
    @Test(arguments: [1, 3, 4, 5, 7, 9], awkwardSizes + [8, 49])
    func softmaxRowGroupsMatchReferenceAndSingleRows(rows: Int, columns: Int) {
        var data = TestData(seed: UInt64(rows * 100 + columns))
        let stride = columns + 3
        let input = data.floats(rows * stride, in: -30, 30)
        var actual = input, expected = input, single = input
        softmaxF32(rows: rows, columns: columns, x: &actual, stride: stride, scale: 0.25)
        softmaxF32Reference(rows: rows, columns: columns, x: &expected, stride: stride, scale: 0.25)
        #expect(maxAbsDifference(actual, expected) <= 1e-6)
        single.withUnsafeMutableBufferPointer { x in
            for r in 0..<rows { softmaxF32(rows: 1, columns: columns, x: x.baseAddress! + r * stride, stride: stride, scale: 0.25) }
        }
        #expect(actual == single)
        for r in 0..<rows { #expect(actual[r * stride + columns ..< r * stride + stride] == input[r * stride + columns ..< r * stride + stride]) }
    }

    @Test(arguments: awkwardSizes + [64])
    func layerNormMatchesReference(columns: Int) {
        var data = TestData(seed: UInt64(columns) + 50)
        let x = data.floats(5 * columns, in: -3, 5), gamma = data.floats(columns), beta = data.floats(columns)
        var actual = [Float](repeating: 0, count: x.count), expected = actual
        layerNormF32(rows: 5, columns: columns, x: x, y: &actual, gamma: gamma, beta: beta, eps: 1e-5)
        layerNormF32Reference(rows: 5, columns: columns, x: x, y: &expected, gamma: gamma, beta: beta, eps: 1e-5)
        #expect(maxAbsDifference(actual, expected) <= 5e-6)
    }

    /// The one-pass statistics shift each row by its first value: rows whose first value is far
    /// from the rest, whose values sit far from zero, or that are constant stay near the
    /// reference (the shift's cancellation is bounded by the row length; measured 1e-5 for the
    /// 1000-valued first entry at 64 columns, 3e-8 with the former two-pass statistics).
    @Test(arguments: [7, 64, 65])
    func layerNormOnePassStatisticsSurviveOutliersOffsetsAndConstantRows(columns: Int) {
        var data = TestData(seed: UInt64(columns) + 70)
        var x = data.floats(5 * columns, in: -1, 1)
        x[0] = 1000                                                   // an outlier first value
        for i in columns..<2 * columns { x[i] += 30 }                 // far from zero
        for i in 2 * columns..<3 * columns { x[i] = 2.5 }             // constant: variance 0
        x[3 * columns + columns - 1] = -500                           // an outlier last value
        let gamma = data.floats(columns), beta = data.floats(columns)
        var actual = [Float](repeating: 0, count: x.count), expected = actual
        layerNormF32(rows: 5, columns: columns, x: x, y: &actual, gamma: gamma, beta: beta, eps: 1e-5)
        layerNormF32Reference(rows: 5, columns: columns, x: x, y: &expected, gamma: gamma, beta: beta, eps: 1e-5)
        #expect(maxAbsDifference(actual, expected) <= 2e-5)
        #expect(Array(actual[2 * columns..<3 * columns]) == beta)
    }

    /// Rows go four at a time: every row count around a group, in place and not, and each row the
    /// same bits as when it is alone.
    @Test(arguments: [1, 3, 4, 5, 7, 9], awkwardSizes + [64])
    func layerNormRowGroupsMatchReferenceAndSingleRows(rows: Int, columns: Int) {
        var data = TestData(seed: UInt64(rows * 100 + columns) + 90)
        let x = data.floats(rows * columns, in: -3, 5), gamma = data.floats(columns), beta = data.floats(columns)
        var actual = [Float](repeating: 0, count: x.count), expected = actual, single = actual
        layerNormF32(rows: rows, columns: columns, x: x, y: &actual, gamma: gamma, beta: beta, eps: 1e-5)
        layerNormF32Reference(rows: rows, columns: columns, x: x, y: &expected, gamma: gamma, beta: beta, eps: 1e-5)
        #expect(maxAbsDifference(actual, expected) <= 5e-6)
        x.withUnsafeBufferPointer { x in
            single.withUnsafeMutableBufferPointer { y in
                for r in 0..<rows {
                    layerNormF32(rows: 1, columns: columns, x: x.baseAddress! + r * columns, y: y.baseAddress! + r * columns,
                                 gamma: gamma, beta: beta, eps: 1e-5)
                }
            }
        }
        #expect(actual == single)
        var inPlace = x
        inPlace.withUnsafeMutableBufferPointer { v in
            layerNormF32(rows: rows, columns: columns, x: v.baseAddress!, y: v.baseAddress!, gamma: gamma, beta: beta, eps: 1e-5)
        }
        #expect(inPlace == actual)
    }

    @Test(arguments: awkwardSizes)
    func addAndMeanMatchReference(count: Int) {
        var data = TestData(seed: UInt64(count) + 70)
        let a = data.floats(count * 3), b = data.floats(count * 3)
        var actual = [Float](repeating: 0, count: a.count), expected = actual
        addF32(count: a.count, a: a, b: b, y: &actual)
        addF32Reference(count: a.count, a: a, b: b, y: &expected)
        #expect(actual == expected)
        var mean = [Float](repeating: 0, count: count), meanExpected = mean
        meanRowsF32(rows: 3, columns: count, x: a, y: &mean)
        meanRowsF32Reference(rows: 3, columns: count, x: a, y: &meanExpected)
        #expect(maxAbsDifference(mean, meanExpected) <= 1e-6)
    }

    /// Channels-last output `[P][C]` reordered to `[C][P]`, the references' layout.
    static func channelsFirst(_ v: [Float], channels: Int) -> [Float] {
        let pixels = v.count / channels
        return (0..<v.count).map { i in v[(i % pixels) * channels + i / pixels] }
    }

    @Test(arguments: [(1, 7, 7, 3, 1, 0), (3, 17, 9, 3, 2, 1), (5, 8, 8, 1, 1, 0), (7, 33, 33, 5, 3, 2), (2, 4, 4, 4, 4, 0)])
    func indirectAndIm2colConvolutionsMatchReferenceInBothInputLayouts(c: Int, h: Int, w: Int, kernel: Int, stride: Int, pad: Int) {
        var data = TestData(seed: UInt64(c * 1000 + h))
        for outChannels in [1, 17, 33] {
            let chw = data.floats(c * h * w), weights = data.floats(outChannels * c * kernel * kernel), bias = data.floats(outChannels)
            let hwc = (0..<chw.count).map { i in chw[(i % c) * h * w + i / c] }
            let standard = Conv2DGeometry(channels: c, height: h, width: w, kernel: (kernel, kernel),
                                          stride: (stride, stride), padding: (pad, pad), channelsLast: false)
            var expected = [Float](repeating: 0, count: standard.positions * outChannels)
            conv2dF32Reference(standard, outChannels: outChannels, x: chw, weights: weights, bias: bias,
                               activation: .relu, y: &expected)
            for (g, x) in [(standard, chw), (Conv2DGeometry(channels: c, height: h, width: w, kernel: (kernel, kernel),
                                                             stride: (stride, stride), padding: (pad, pad), channelsLast: true), hwc)] {
                var packed = [Float](repeating: 0, count: gemmF32PackedBSize(k: g.windowSize, n: outChannels))
                packConv2DWeightsF32(outChannels: outChannels, g, weights: weights, into: &packed)
                var workspace = [Float](repeating: 0, count: max(gemmF32PackedASize(m: g.positions, k: g.windowSize),
                                                                  conv2dF32WorkspaceSize(g)))
                var indirect = [Float](repeating: .nan, count: g.positions * outChannels), viaIm2col = indirect
                bias.withUnsafeBufferPointer { b in
                    conv2dF32(g, outChannels: outChannels, x: x, packedWeights: packed, bias: b.baseAddress,
                              activation: .relu, y: &indirect, workspace: &workspace)
                    conv2dIm2colF32(g, outChannels: outChannels, x: x, packedWeights: packed, bias: b.baseAddress,
                                    activation: .relu, y: &viaIm2col, workspace: &workspace)
                }
                for y in [indirect, viaIm2col] {
                    #expect(maxAbsDifference(Self.channelsFirst(y, channels: outChannels), expected) <= 1e-5,
                            "c \(c) \(h)x\(w) k \(kernel) s \(stride) p \(pad) o \(outChannels)")
                }
            }
        }
    }

    @Test(arguments: [(1, 7, 7, 2, 2), (3, 17, 9, 3, 2), (17, 13, 13, 2, 2), (33, 5, 6, 3, 1)])
    func maxPoolMatchesReferenceInBothInputLayouts(c: Int, h: Int, w: Int, window: Int, stride: Int) {
        var data = TestData(seed: UInt64(c + h))
        let chw = data.floats(c * h * w)
        let hwc = (0..<chw.count).map { i in chw[(i % c) * h * w + i / c] }
        let standard = Conv2DGeometry(channels: c, height: h, width: w, kernel: (window, window),
                                      stride: (stride, stride), channelsLast: false)
        var expected = [Float](repeating: 0, count: standard.positions * c)
        maxPoolF32Reference(standard, x: chw, y: &expected)
        for (g, x) in [(standard, chw), (Conv2DGeometry(channels: c, height: h, width: w, kernel: (window, window),
                                                         stride: (stride, stride), channelsLast: true), hwc)] {
            var y = [Float](repeating: .nan, count: g.positions * c)
            maxPoolF32(g, x: x, y: &y)
            #expect(Self.channelsFirst(y, channels: c) == expected)
        }
    }

    @Test(arguments: awkwardSizes + [128])
    func lstmCellMatchesReference(hidden: Int) {
        var data = TestData(seed: UInt64(hidden) + 90)
        let gates = data.floats(4 * hidden, in: -6, 6), cell = data.floats(hidden, in: -2, 2)
        var c1 = cell, c2 = cell
        var h1 = [Float](repeating: 0, count: hidden), h2 = h1
        lstmCellF32(hidden: hidden, gates: gates, c: &c1, h: &h1)
        lstmCellF32Reference(hidden: hidden, gates: gates, c: &c2, h: &h2)
        #expect(maxAbsDifference(c1, c2) <= 1e-6)
        #expect(maxAbsDifference(h1, h2) <= 1e-6)
    }
}
