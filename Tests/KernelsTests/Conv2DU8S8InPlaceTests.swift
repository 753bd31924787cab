import Kernels
import Testing

/// The in-place quad convolution (windows read from the image, kernel rows padded to quads) must
/// equal the scalar convolution reference bit for bit for every layout, padding, stride and
/// channel count, with every position handed to the epilogue once and in order.
@Suite struct Conv2DU8S8InPlaceTests {
    static let cases: [(c: Int, h: Int, w: Int, k: (Int, Int), s: (Int, Int), p: (Int, Int), o: Int, last: Bool)] = [
        (1, 28, 28, (3, 3), (1, 1), (0, 0), 32, false), (32, 13, 13, (3, 3), (1, 1), (0, 0), 64, true),
        (64, 5, 5, (3, 3), (1, 1), (0, 0), 64, true), (3, 7, 9, (3, 3), (2, 1), (1, 1), 17, true),
        (5, 17, 6, (5, 3), (1, 2), (2, 1), 7, false), (1, 4, 4, (4, 4), (4, 4), (0, 0), 33, false),
        (7, 1, 1, (1, 1), (1, 1), (0, 0), 1, true), (2, 9, 33, (3, 1), (1, 1), (1, 0), 16, true),
        (17, 7, 7, (3, 3), (1, 1), (1, 1), 3, true), (33, 3, 3, (3, 3), (1, 1), (0, 0), 17, true),
        (3, 17, 17, (2, 2), (2, 2), (0, 0), 7, false), (1, 33, 3, (7, 3), (3, 1), (3, 1), 1, true),
    ]

    @Test(arguments: cases.indices)
    func equalsReference(caseIndex: Int) {
        let t = Self.cases[caseIndex]
        let g = Conv2DGeometry(channels: t.c, height: t.h, width: t.w, kernel: t.k, stride: t.s, padding: t.p,
                               channelsLast: t.last)
        let layout = InPlaceConvU8S8Layout(g)
        var random = TestData(seed: UInt64(caseIndex + 31))
        // Junk past the image: a window's last quad may read up to three bytes there.
        let image = [UInt8].random(count: t.c * t.h * t.w + layout.imageBytes, using: &random)
        let weights = [Int8].random(count: t.o * g.windowSize, using: &random)
        let zeroPoint = Int32.random(in: 0...255, using: &random)
        var expected = [Int32](repeating: 0, count: g.positions * t.o)
        conv2dS8Reference(g, x: image, zeroPoint: zeroPoint, weights: weights, outputs: t.o, c: &expected)
        let ordered = weights.withUnsafeBufferPointer { layout.windowOrderedWeights($0.baseAddress!, outputs: t.o) }
        let right = ordered.withUnsafeBufferPointer {
            PackedRightS8x4(transposed: $0.baseAddress!, ld: layout.depth, depth: layout.depth, columns: t.o)
        }
        let ldc = (t.o + 15) / 16 * 16 + 16
        var sums = [Int32](repeating: -1, count: layout.tiledPositions * ldc)
        var padded = [UInt8](repeating: 0, count: layout.imageBytes)
        var seen = 0
        padded.withUnsafeMutableBufferPointer { buffer in
            layout.initializePaddedBuffer(buffer.baseAddress!, zeroPoint: zeroPoint)
            image.withUnsafeBufferPointer { x in
                let bytes = layout.prepare(x.baseAddress!, buffer: buffer.baseAddress!)
                sums.withUnsafeMutableBufferPointer { c in
                    conv2dU8S8InPlace(layout, image: bytes, zeroPoint: zeroPoint, right: right, c: c.baseAddress!,
                                      ldc: ldc, blockTiles: 2) { first, count in
                        #expect(first == seen && count > 0)
                        seen = first + count
                    }
                }
            }
        }
        let actual = (0..<g.positions * t.o).map { sums[($0 / t.o) * ldc + $0 % t.o] }
        #expect(actual == expected, "case \(caseIndex): \(g)")
        #expect(seen == g.positions)
        #expect(layout.copiesImage == (t.p != (0, 0) || (!t.last && t.c > 1)))
    }

    /// A layout cropped to the top-left outputs (what a floor-mode pool reads) computes exactly
    /// those positions, row-major over the region.
    @Test(arguments: [(32, 13, 13, 10, 10), (3, 9, 8, 1, 5), (5, 7, 7, 4, 1)])
    func croppedLayoutComputesTheTopLeftRegion(c: Int, h: Int, w: Int, rows: Int, columns: Int) {
        let g = Conv2DGeometry(channels: c, height: h, width: w, kernel: (3, 3), padding: (0, 1), channelsLast: true)
        let layout = InPlaceConvU8S8Layout(g, croppedTo: (rows, columns)), outputs = 17
        #expect(layout.positions == rows * columns)
        var random = TestData(seed: UInt64(c + h + rows))
        let image = [UInt8].random(count: c * h * w + layout.imageBytes, using: &random)
        let weights = [Int8].random(count: outputs * g.windowSize, using: &random)
        let zeroPoint = Int32.random(in: 0...255, using: &random)
        var full = [Int32](repeating: 0, count: g.positions * outputs)
        conv2dS8Reference(g, x: image, zeroPoint: zeroPoint, weights: weights, outputs: outputs, c: &full)
        let ordered = weights.withUnsafeBufferPointer { layout.windowOrderedWeights($0.baseAddress!, outputs: outputs) }
        let right = ordered.withUnsafeBufferPointer {
            PackedRightS8x4(transposed: $0.baseAddress!, ld: layout.depth, depth: layout.depth, columns: outputs)
        }
        let ldc = 32
        var sums = [Int32](repeating: -1, count: layout.tiledPositions * ldc)
        var padded = [UInt8](repeating: 0, count: layout.imageBytes)
        padded.withUnsafeMutableBufferPointer { buffer in
            layout.initializePaddedBuffer(buffer.baseAddress!, zeroPoint: zeroPoint)
            let bytes = image.withUnsafeBufferPointer { layout.prepare($0.baseAddress!, buffer: buffer.baseAddress!) }
            sums.withUnsafeMutableBufferPointer { c in
                conv2dU8S8InPlace(layout, image: bytes, zeroPoint: zeroPoint, right: right, c: c.baseAddress!, ldc: ldc) { _, _ in }
            }
        }
        for p in 0..<layout.positions {
            let position = (p / columns) * g.outputWidth + p % columns
            #expect(Array(sums[p * ldc ..< p * ldc + outputs]) == Array(full[position * outputs ..< (position + 1) * outputs]),
                    "position \(p) of \(rows)×\(columns)")
        }
    }

    @Test func kernelRowsArePaddedToQuadsWithZeroWeights() {
        let g = Conv2DGeometry(channels: 3, height: 5, width: 5, kernel: (3, 3), channelsLast: true)
        let layout = InPlaceConvU8S8Layout(g)
        #expect(layout.segmentBytes == 12 && layout.depth == 36)
        let weights = [Int8](repeating: 1, count: 2 * g.windowSize)
        let rows = weights.withUnsafeBufferPointer { layout.windowOrderedWeights($0.baseAddress!, outputs: 2) }
        #expect(rows.count == 2 * 36)
        #expect(rows.filter { $0 == 1 }.count == 2 * 27)
        #expect((0..<2).allSatisfy { o in (0..<3).allSatisfy { ky in rows[o * 36 + ky * 12 + 9 ..< o * 36 + ky * 12 + 12].allSatisfy { $0 == 0 } } })
    }
}

/// Pooling Int32 sums and requantizing the maxima in one pass equals the scalar pool then the
/// scalar requantization, for any window, stride, channel count (vector tails, padded rows of
/// sums), ReLU or none, with and without bias, and any split of the output rows.
@Suite struct MaxPoolRequantizeS32U8Tests {
    static let cases: [(c: Int, ld: Int, h: Int, w: Int, k: (Int, Int), s: (Int, Int))] = [
        (32, 32, 26, 26, (2, 2), (2, 2)), (64, 64, 10, 10, (2, 2), (2, 2)), (1, 16, 7, 7, (2, 2), (2, 2)),
        (3, 16, 17, 9, (3, 3), (2, 2)), (17, 32, 5, 33, (2, 3), (1, 2)), (33, 48, 3, 3, (3, 3), (1, 1)),
        (7, 16, 1, 7, (1, 2), (1, 1)),
    ]

    @Test(arguments: cases.indices)
    func equalsPoolThenRequantizeReference(caseIndex: Int) {
        let t = Self.cases[caseIndex]
        let g = Conv2DGeometry(channels: t.ld, height: t.h, width: t.w, kernel: t.k, stride: t.s, channelsLast: true)
        var random = TestData(seed: UInt64(caseIndex + 77))
        let sums = (0..<t.ld * t.h * t.w).map { _ in Int32.random(in: -40_000...40_000, using: &random) }
        let scale = random.floats(t.c, in: 0, 0.002), bias = random.floats(t.c, in: -3, 3)
        var pooled = [Int32](repeating: 0, count: g.positions * t.ld)
        maxPoolS32Reference(g, x: sums, y: &pooled)
        let rows = (0..<g.positions * t.c).map { pooled[($0 % t.c) * g.positions + $0 / t.c] }
        for activation in [ActivationF32.relu, .none] {
            for withBias in [true, false] {
                var expected = [UInt8](repeating: 0, count: g.positions * t.c)
                bias.withUnsafeBufferPointer { b in
                    requantizeColumnsU8Reference(rows: g.positions, columns: t.c, acc: rows, ldacc: t.c, scale: scale,
                                                 bias: withBias ? b.baseAddress : nil, activation: activation,
                                                 outputInverseScale: 1 / 0.037, outputZeroPoint: 11, y: &expected, ldy: t.c)
                }
                var actual = [UInt8](repeating: 0xAA, count: g.positions * t.c)
                let split = g.outputHeight / 2, rowBytes = g.outputWidth * t.c
                actual.withUnsafeMutableBufferPointer { y in
                    bias.withUnsafeBufferPointer { b in
                        for (range, out) in [(0..<split, y.baseAddress!), (split..<g.outputHeight, y.baseAddress! + split * rowBytes)] {
                            maxPoolRequantizeS32U8(g, sums: sums, rows: range, columns: t.c, scale: scale,
                                                   bias: withBias ? b.baseAddress : nil, activation: activation,
                                                   outputInverseScale: 1 / 0.037, outputZeroPoint: 11, y: out)
                        }
                    }
                }
                #expect(actual == expected, "case \(caseIndex) \(activation) bias \(withBias)")
            }
        }
    }
}
