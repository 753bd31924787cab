import Kernels
import Testing

/// Softmax of scores far from 0: the difference from the maximum is taken before the scale, so
/// the power of 2 is never above 0 and every output is a probability, whatever the magnitude (a
/// fused x·scale − max·scale rounded max·scale and gave 1.0008 and −8.5e-5 at 1e10).
@Suite struct SoftmaxLargeInputsTests {
    /// Rows holding the maximum, values a rounding of it away, and the far end of the Float range.
    static let rows: [[Float]] = [
        [1e10, 0, -1e10, 1e10 - 1024, 3, 1e10 - 4096, 0, 0, 0, 0],
        [-3e38, 3e38, 2.9e38, 0, 1, -1, 3e38, 7, 8, 9, 10],
        [1e12, 1e12, 1e12, 5e11, 0, 1e12, 1e12],
        [-1e15, -1e15 + 1e8, -2e15, -1e15],
    ]

    @Test(arguments: rows, [1, 0.25])
    func rowSoftmaxGivesProbabilitiesThatMatchTheReference(row: [Float], scale: Float) {
        var actual = row, expected = row
        softmaxF32(rows: 1, columns: row.count, x: &actual, stride: row.count, scale: scale)
        softmaxF32Reference(rows: 1, columns: row.count, x: &expected, stride: row.count, scale: scale)
        #expect(actual.allSatisfy { $0 >= 0 && $0 <= 1 })
        #expect(maxAbsDifference(actual, expected) <= 1e-6)
    }

    @Test(arguments: [1, 0.25] as [Float])
    func fourRowGroupsGiveProbabilitiesThatMatchTheReference(scale: Float) {
        let columns = 10, rows = Self.rows.map { Array(($0 + [Float](repeating: 0, count: columns)).prefix(columns)) }
        var actual = rows.flatMap { $0 }, expected = actual
        softmaxF32(rows: rows.count, columns: columns, x: &actual, stride: columns, scale: scale)
        softmaxF32Reference(rows: rows.count, columns: columns, x: &expected, stride: columns, scale: scale)
        #expect(actual.allSatisfy { $0 >= 0 && $0 <= 1 })
        #expect(maxAbsDifference(actual, expected) <= 1e-6)
    }

    @Test(arguments: rows)
    func columnSoftmaxGivesProbabilitiesThatMatchTheReference(column: [Float]) {
        let rows = column.count, ldx = 16, scale: Float = 0.25
        var x = [Float](repeating: 0, count: rows * ldx), inverseSums = [Float](repeating: 0, count: 16)
        for j in 0..<rows { x[j * ldx + 3] = column[j] }
        softmaxColumnsNumeratorsF32(rows: rows, columns: 9, x: &x, ldx: ldx, scale: scale, inverseSums: &inverseSums)
        let actual = (0..<rows).map { x[$0 * ldx + 3] * inverseSums[3] }
        var expected = column
        softmaxF32Reference(rows: 1, columns: rows, x: &expected, stride: rows, scale: scale)
        #expect(actual.allSatisfy { $0 >= 0 && $0 <= 1 })
        #expect(maxAbsDifference(actual, expected) <= 1e-6)
    }
}
