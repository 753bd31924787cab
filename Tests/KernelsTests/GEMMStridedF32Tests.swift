import Kernels
import Testing

/// The strided-A GEMM the trainer uses (plain and transposed A) against its scalar reference on
/// sizes that leave partial 4×16 tiles and 8-lane tails in every direction.
@Suite struct GEMMStridedF32Tests {
    @Test(arguments: awkwardSizes, awkwardSizes)
    func plainAndTransposedAMatchTheReference(m: Int, n: Int) {
        var data = TestData(seed: UInt64(m * 1000 + n))
        for k in awkwardSizes {
            let a = data.floats(m * k), b = data.floats(k * n), start = data.floats(m * n)
            // (k, 1): A is m×k row-major; (1, m): the same numbers read as the transpose of a k×m matrix.
            for (rowStride, colStride) in [(k, 1), (1, m)] {
                for accumulate in [false, true] {
                    var expected = start, actual = start
                    gemmStridedF32Reference(m: m, n: n, k: k, a: a, rowStride: rowStride, colStride: colStride,
                                            b: b, ldb: n, c: &expected, ldc: n, accumulate: accumulate)
                    gemmStridedF32(m: m, n: n, k: k, a: a, rowStride: rowStride, colStride: colStride,
                                   b: b, ldb: n, c: &actual, ldc: n, accumulate: accumulate)
                    #expect(maxAbsDifference(actual, expected) <= Float(k + 1) * 1e-6,
                            "m \(m) n \(n) k \(k) strides (\(rowStride), \(colStride)) acc \(accumulate)")
                }
            }
        }
    }

    @Test(arguments: awkwardSizes, awkwardSizes)
    func transposeMovesEveryElement(rows: Int, cols: Int) {
        var data = TestData(seed: UInt64(rows * 100 + cols))
        let source = data.floats(rows * cols)
        var transposed = [Float](repeating: .nan, count: rows * cols)
        transposeF32(rows: rows, cols: cols, src: source, dst: &transposed)
        #expect((0..<rows).allSatisfy { r in (0..<cols).allSatisfy { transposed[$0 * rows + r] == source[r * cols + $0] } })
    }
}
