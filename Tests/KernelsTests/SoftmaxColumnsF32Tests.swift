import Kernels
import Testing

/// The column softmax the encoder block runs on its transposed scores (a row per key, a column per
/// head and query): each column's numerators times its inverse sum is the row softmax of the
/// transposed matrix, for column counts that are not multiples of the 8-lane group (196 is 4 heads
/// of 49 queries), with the lanes past the last group and the sums past `columns` untouched.
@Suite struct SoftmaxColumnsF32Tests {
    @Test(arguments: [1, 3, 7, 17, 49], [1, 3, 9, 17, 33, 196])
    func numeratorsTimesInverseSumsAreTheSoftmaxOfEachColumn(rows: Int, columns: Int) {
        var data = TestData(seed: UInt64(rows * 1000 + columns) + 7)
        let groups = (columns + 7) / 8 * 8, ldx = groups + 8, scale: Float = 0.25, sentinel: Float = 7
        let input = data.floats(rows * ldx, in: -30, 30)
        var x = input, inverseSums = [Float](repeating: sentinel, count: groups + 8)
        softmaxColumnsNumeratorsF32(rows: rows, columns: columns, x: &x, ldx: ldx, scale: scale,
                                    inverseSums: &inverseSums)

        var expected = (0..<columns * rows).map { input[($0 % rows) * ldx + $0 / rows] }
        softmaxF32Reference(rows: columns, columns: rows, x: &expected, stride: rows, scale: scale)
        let actual = (0..<columns * rows).map { x[($0 % rows) * ldx + $0 / rows] * inverseSums[$0 / rows] }
        #expect(maxAbsDifference(actual, expected) <= 1e-6)
        for j in 0..<rows { #expect(x[j * ldx + groups ..< (j + 1) * ldx] == input[j * ldx + groups ..< (j + 1) * ldx]) }
        #expect(inverseSums[columns...].allSatisfy { $0 == sentinel })
    }
}
