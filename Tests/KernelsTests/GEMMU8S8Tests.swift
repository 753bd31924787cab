#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Kernels
import Testing

/// The uint8 × int8 quad GEMM (AVX512_VNNI where the CPU has it) must equal the scalar reference
/// bit for bit on sizes that cut every tile: rows around the 6-row block, columns around the
/// 16-column panel and the 64-column single-row group, depths around the quad.
@Suite struct GEMMU8S8Tests {
    static let shapes: [(m: Int, n: Int, k: Int)] = [
        (1, 1, 1), (1, 3, 7), (3, 7, 17), (7, 17, 33), (17, 33, 3), (33, 1, 288),
        (6, 16, 4), (12, 32, 64), (2, 64, 33), (1, 64, 128), (1, 512, 128), (1, 80, 9), (5, 10, 17),
        (121, 64, 288), (49, 192, 64), (33, 65, 31), (2, 17, 1), (13, 130, 5),
    ]

    /// Packs `b` (`[k][n]`), runs `gemmU8S8` and the unpacked reference, with junk in the row
    /// padding of `a` that the zero weights must cancel.
    func check(m: Int, n: Int, k: Int, seed: UInt64, portable: Bool) {
        var g = TestData(seed: seed)
        let packedDepth = (k + 3) / 4 * 4, lda = packedDepth + 4, ldc = n + 1
        let a = [UInt8].random(count: m * lda, using: &g)
        let b = [Int8].random(count: k * n, using: &g)
        let zeroPoint = Int32.random(in: 0...255, using: &g)
        let right = transposed(b, rows: k, columns: n).withUnsafeBufferPointer {
            PackedRightS8x4(transposed: $0.baseAddress!, ld: k, depth: k, columns: n)
        }
        #expect(right.paddedDepth == packedDepth)
        var expected = [Int32](repeating: -1, count: m * ldc)
        var actual = expected
        gemmS8Reference(m: m, n: n, k: k, a: a, lda: lda, aZeroPoint: zeroPoint, b: b, ldb: n, c: &expected, ldc: ldc)
        if portable {
            gemmU8S8Reference(rows: m, a: a, lda: lda, zeroPoint: zeroPoint, right: right, c: &actual, ldc: ldc)
        } else {
            gemmU8S8(rows: m, a: a, lda: lda, zeroPoint: zeroPoint, right: right, c: &actual, ldc: ldc)
        }
        #expect(actual == expected, "m \(m) n \(n) k \(k) zero point \(zeroPoint)")
    }

    /// Elsewhere `gemmU8S8` is `gemmU8S8Reference`, which `packedReferenceEqualsUnpackedReference` checks.
    @Test(.enabled(if: Int8GEMMKernels.avx512VNNIIsSupported, "needs AVX512_VNNI"), arguments: shapes.indices)
    func equalsReference(shapeIndex: Int) {
        let (m, n, k) = Self.shapes[shapeIndex]
        check(m: m, n: n, k: k, seed: UInt64(shapeIndex + 1), portable: false)
    }

    @Test(arguments: [0, 5, 10, 13])
    func packedReferenceEqualsUnpackedReference(shapeIndex: Int) {
        let (m, n, k) = Self.shapes[shapeIndex]
        check(m: m, n: n, k: k, seed: UInt64(shapeIndex + 100), portable: true)
    }

    @Test(.enabled(if: Int8GEMMKernels.avx512VNNIIsSupported, "needs AVX512_VNNI"))
    func extremeOperandsStayExact() {
        let m = 7, n = 17, k = 1025, lda = (k + 3) / 4 * 4
        let a = [UInt8](repeating: 255, count: m * lda)
        let weights = [Int8](repeating: -127, count: n * k)
        let right = weights.withUnsafeBufferPointer { PackedRightS8x4(transposed: $0.baseAddress!, ld: k, depth: k, columns: n) }
        var actual = [Int32](repeating: 0, count: m * n)
        for zeroPoint: Int32 in [0, 255] {
            gemmU8S8(rows: m, a: a, lda: lda, zeroPoint: zeroPoint, right: right, c: &actual, ldc: n)
            #expect(actual.allSatisfy { $0 == Int32(k) * (255 - zeroPoint) * -127 })
        }
    }

    /// AVX512_VNNI wherever the CPU has it, unless `INFERD_INT8_KERNELS=int16-pairs` asks for the AVX2 family.
    @Test func selectionFollowsTheCPUAndTheEnvironment() {
        let forced = getenv("INFERD_INT8_KERNELS").map { String(cString: $0) } == Int8GEMMKernels.int16Pairs.rawValue
        let expected: Int8GEMMKernels = Int8GEMMKernels.avx512VNNIIsSupported && !forced ? .avx512VNNI : .int16Pairs
        #expect(Int8GEMMKernels.selected == expected)
    }
}

/// The quad-GEMM convolution must equal the scalar convolution reference bit for bit for every
/// layout, padding, stride and channel count, including windows hanging over the image edge.
@Suite struct Conv2DU8S8Tests {
    static let cases: [(c: Int, h: Int, w: Int, k: (Int, Int), s: (Int, Int), p: (Int, Int), o: Int, last: Bool)] = [
        (1, 28, 28, (3, 3), (1, 1), (0, 0), 32, false), (32, 13, 13, (3, 3), (1, 1), (0, 0), 64, true),
        (64, 5, 5, (3, 3), (1, 1), (0, 0), 64, true), (3, 7, 9, (3, 3), (2, 1), (1, 1), 17, true),
        (5, 17, 6, (5, 3), (1, 2), (2, 1), 7, false), (1, 4, 4, (4, 4), (4, 4), (0, 0), 33, false),
        (7, 1, 1, (1, 1), (1, 1), (0, 0), 1, true), (2, 9, 33, (3, 1), (1, 1), (1, 0), 16, true),
    ]

    @Test(arguments: cases.indices)
    func equalsReference(caseIndex: Int) {
        let t = Self.cases[caseIndex]
        let g = Conv2DGeometry(channels: t.c, height: t.h, width: t.w, kernel: t.k, stride: t.s, padding: t.p,
                               channelsLast: t.last)
        var random = TestData(seed: UInt64(caseIndex + 7))
        let image = [UInt8].random(count: t.c * t.h * t.w, using: &random)
        let weights = [Int8].random(count: t.o * g.windowSize, using: &random)
        let zeroPoint = Int32.random(in: 0...255, using: &random)
        var expected = [Int32](repeating: 0, count: g.positions * t.o)
        conv2dS8Reference(g, x: image, zeroPoint: zeroPoint, weights: weights, outputs: t.o, c: &expected)
        let ordered = weights.withUnsafeBufferPointer { g.windowOrderedWeights($0.baseAddress!, outputs: t.o) }
        let right = ordered.withUnsafeBufferPointer {
            PackedRightS8x4(transposed: $0.baseAddress!, ld: g.windowSize, depth: g.windowSize, columns: t.o)
        }
        var actual = [Int32](repeating: -1, count: g.positions * t.o)
        var blocks = 0
        actual.withUnsafeMutableBufferPointer { out in
            conv2dU8S8(g, image: image, zeroPoint: zeroPoint, right: right, scratch: ConvolutionU8S8Scratch(for: right)) {
                first, count, acc, ldacc in
                blocks += 1
                for r in 0..<count { (out.baseAddress! + (first + r) * t.o).update(from: acc + r * ldacc, count: t.o) }
            }
        }
        #expect(actual == expected, "case \(caseIndex): \(g)")
        #expect(blocks == (g.positions + ConvolutionU8S8Scratch.blockRows - 1) / ConvolutionU8S8Scratch.blockRows)
    }
}
