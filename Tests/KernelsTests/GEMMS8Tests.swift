import Kernels
import Testing

/// The optimized int8 GEMM must equal the scalar reference bit for bit on sizes that exercise
/// every tile edge: 1, 3, 7, 17, 33 and non-multiples of the 6×16 tile and of the depth pair.
@Suite struct GEMMS8Tests {
    static let shapes: [(m: Int, n: Int, k: Int)] = [
        (1, 1, 1), (1, 3, 7), (3, 7, 17), (7, 17, 33), (17, 33, 3), (33, 1, 288),
        (6, 16, 2), (12, 32, 64), (2, 64, 33), (1, 64, 128), (1, 128, 9), (5, 10, 17),
        (121, 64, 288), (33, 65, 31), (2, 17, 1),
    ]

    @Test(arguments: shapes.indices)
    func unpackedGEMMEqualsReference(shapeIndex: Int) {
        let (m, n, k) = Self.shapes[shapeIndex]
        var g = TestData(seed: UInt64(shapeIndex + 1))
        let lda = k + 3, ldb = n + 2, ldc = n + 1
        let a = [UInt8].random(count: m * lda, using: &g)
        let b = [Int8].random(count: k * ldb, using: &g)
        let zeroPoint = Int32.random(in: 0...255, using: &g)
        var expected = [Int32](repeating: -1, count: m * ldc)
        var actual = expected
        gemmS8Reference(m: m, n: n, k: k, a: a, lda: lda, aZeroPoint: zeroPoint, b: b, ldb: ldb,
                        c: &expected, ldc: ldc)
        gemmS8(m: m, n: n, k: k, a: a, lda: lda, aZeroPoint: zeroPoint, b: b, ldb: ldb, c: &actual, ldc: ldc)
        #expect(actual == expected, "m \(m) n \(n) k \(k) zero point \(zeroPoint)")
    }

    @Test func extremeOperandsDoNotOverflowPairs() {
        let m = 7, n = 17, k = 1025
        let a = [UInt8](repeating: 255, count: m * k)
        let b = [Int8](repeating: -127, count: k * n)
        var expected = [Int32](repeating: 0, count: m * n)
        var actual = expected
        for zeroPoint: Int32 in [0, 255] {
            gemmS8Reference(m: m, n: n, k: k, a: a, lda: k, aZeroPoint: zeroPoint, b: b, ldb: n, c: &expected, ldc: n)
            gemmS8(m: m, n: n, k: k, a: a, lda: k, aZeroPoint: zeroPoint, b: b, ldb: n, c: &actual, ldc: n)
            #expect(actual == expected)
            #expect(actual[0] == Int32(k) * (255 - zeroPoint) * -127)
        }
    }

    /// The convolution orientation: signed weights `[out, K]` on the left, unsigned im2col
    /// columns `[K, pixels]` with a zero point on the right, and a batch smaller than the
    /// packed row count.
    @Test(arguments: [(1, 1, 1), (32, 9, 676), (64, 288, 121), (7, 33, 17), (10, 64, 1)])
    func weightsLeftActivationsRightEqualsReference(outChannels: Int, depth: Int, pixels: Int) {
        var g = TestData(seed: UInt64(outChannels * 1000 + depth))
        let w = [Int8].random(count: outChannels * depth, using: &g)
        let x = [UInt8].random(count: depth * pixels, using: &g)
        let zeroPoint: Int32 = 37
        let left = PackedLeftS8(rows: outChannels + 2, depth: depth)
        left.pack(w, ld: depth, rowCount: outChannels)
        let right = PackedRightS8(depth: depth, columns: pixels)
        right.pack(x, ld: pixels, zeroPoint: zeroPoint)
        var actual = [Int32](repeating: 0, count: outChannels * pixels)
        gemmS8(left: left, right: right, rows: outChannels, c: &actual, ldc: pixels)

        // Cᵀ = (Xᵀ − z) · Wᵀ with the reference, then compare transposed.
        var expectedT = [Int32](repeating: 0, count: pixels * outChannels)
        gemmS8Reference(m: pixels, n: outChannels, k: depth,
                        a: transposed(x, rows: depth, columns: pixels), lda: depth, aZeroPoint: zeroPoint,
                        b: transposed(w, rows: outChannels, columns: depth), ldb: outChannels,
                        c: &expectedT, ldc: outChannels)
        #expect(actual == transposed(expectedT, rows: pixels, columns: outChannels))
    }

    /// The int16-pairs dense path: activations quantized and centered as Int16
    /// (`quantizeCenteredS16`), packed a row at a time over a left operand that held other values,
    /// including odd depths whose last pair has one value.
    @Test(arguments: [1, 3, 7, 17, 33], [1, 7])
    func centeredRowsPackedOneByOneEqualReference(depth: Int, rows: Int) {
        var g = TestData(seed: UInt64(depth * 10 + rows) + 200)
        let n = 17, inverseScale: Float = 110, zeroPoint: Int32 = 131
        let x = g.floats(rows * depth, in: -1.3, 1.3)
        let w = [Int8].random(count: n * depth, using: &g)
        var centered = [Int16](repeating: 0, count: rows * depth), bytes = [UInt8](repeating: 0, count: rows * depth)
        quantizeCenteredS16(count: x.count, x: x, inverseScale: inverseScale, zeroPoint: zeroPoint, y: &centered)
        quantizeU8Reference(count: x.count, x: x, inverseScale: inverseScale, zeroPoint: zeroPoint, y: &bytes)
        let left = PackedLeftS8(rows: rows, depth: depth)
        left.pack([UInt8].random(count: rows * depth, using: &g), ld: depth, zeroPoint: 3)
        centered.withUnsafeBufferPointer { c in
            for i in 0..<rows { left.packRow(i, centered: c.baseAddress! + i * depth) }
        }
        let right = PackedRightS8(depth: depth, columns: n)
        right.pack(transposed: w, ld: depth)
        var actual = [Int32](repeating: -1, count: rows * n), expected = actual
        gemmS8(left: left, right: right, c: &actual, ldc: n)
        gemmS8Reference(m: rows, n: n, k: depth, a: bytes, lda: depth, aZeroPoint: zeroPoint,
                        b: transposed(w, rows: n, columns: depth), ldb: n, c: &expected, ldc: n)
        #expect(actual == expected)
    }

    /// Dense layers pack their `[out, in]` weights transposed as the right operand.
    @Test func transposedWeightPackingMatchesRowMajorPacking() {
        var g = TestData(seed: 99)
        let n = 37, k = 29, m = 2
        let w = [Int8].random(count: n * k, using: &g)          // [out, in]
        let x = [UInt8].random(count: m * k, using: &g)
        let left = PackedLeftS8(rows: m, depth: k)
        left.pack(x, ld: k, zeroPoint: 128)
        let fromTransposed = PackedRightS8(depth: k, columns: n)
        fromTransposed.pack(transposed: w, ld: k)
        var actual = [Int32](repeating: 0, count: m * n)
        gemmS8(left: left, right: fromTransposed, c: &actual, ldc: n)
        var expected = actual
        gemmS8Reference(m: m, n: n, k: k, a: x, lda: k, aZeroPoint: 128,
                        b: transposed(w, rows: n, columns: k), ldb: n, c: &expected, ldc: n)
        #expect(actual == expected)
    }
}
