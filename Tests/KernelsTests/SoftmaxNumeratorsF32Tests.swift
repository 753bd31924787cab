import Kernels
import Testing

/// The softmax split into numerators and inverse row sums (attention divides its context rows
/// instead of the probabilities): the two multiplied together are softmaxF32's rows bit for bit,
/// for row counts below, at and past one chunk of rows and columns below and past one vector.
@Suite struct SoftmaxNumeratorsF32Tests {
    @Test(arguments: [1, 3, 32, 33, 70], awkwardSizes + [8, 49])
    func numeratorsTimesInverseSumsAreTheSoftmax(rows: Int, columns: Int) {
        var data = TestData(seed: UInt64(rows * 1000 + columns))
        let stride = columns + 3
        let input = data.floats(rows * stride, in: -30, 30)
        var numerators = input, softmax = input, expected = input
        var inverseSums = [Float](repeating: .nan, count: rows)
        softmaxNumeratorsF32(rows: rows, columns: columns, x: &numerators, stride: stride, scale: 0.25,
                             inverseSums: &inverseSums)
        softmaxF32(rows: rows, columns: columns, x: &softmax, stride: stride, scale: 0.25)
        softmaxF32Reference(rows: rows, columns: columns, x: &expected, stride: stride, scale: 0.25)
        var scaled = numerators
        scaleRowsF32(rows: rows, columns: columns, x: &scaled, stride: stride, factors: inverseSums)
        #expect(scaled == softmax)
        #expect(maxAbsDifference(scaled, expected) <= 1e-6)
        for r in 0..<rows {
            let row = numerators[r * stride ..< r * stride + columns]
            #expect(abs(row.max()! - 1) <= 1e-5)  // about e^0 at each row's maximum
            #expect(numerators[r * stride + columns ..< r * stride + stride] == input[r * stride + columns ..< r * stride + stride])
        }
    }

    /// The column form (attention scores stored a row per key): numerators times inverse sums
    /// are each column's softmax, for row and column counts below, at and past one vector; rows'
    /// padding past the last whole vector of columns may be written, nothing past it, and no
    /// inverse sum past the last column.
    @Test(arguments: awkwardSizes + [8, 49], awkwardSizes + [8, 49, 196])
    func columnNumeratorsTimesInverseSumsAreEachColumnsSoftmax(rows: Int, columns: Int) {
        var data = TestData(seed: UInt64(rows * 1000 + columns) + 77)
        let padded = (columns + 7) / 8 * 8, ldx = padded + 5
        let input = data.floats(rows * ldx, in: -30, 30)
        var numerators = input
        var inverseSums = [Float](repeating: .nan, count: columns + 4)
        softmaxColumnsNumeratorsF32(rows: rows, columns: columns, x: &numerators, ldx: ldx, scale: 0.25,
                                    inverseSums: &inverseSums)
        // Column i of the input as a row, through the row reference.
        var expected = [Float](repeating: 0, count: columns * rows)
        for i in 0..<columns { for j in 0..<rows { expected[i * rows + j] = input[j * ldx + i] } }
        softmaxF32Reference(rows: columns, columns: rows, x: &expected, stride: rows, scale: 0.25)
        var actual = [Float](repeating: 0, count: columns * rows)
        for i in 0..<columns { for j in 0..<rows { actual[i * rows + j] = numerators[j * ldx + i] * inverseSums[i] } }
        #expect(maxAbsDifference(actual, expected) <= 1e-6)
        for i in 0..<columns {
            let column = (0..<rows).map { numerators[$0 * ldx + i] }
            #expect(abs(column.max()! - 1) <= 1e-5)  // about e^0 at each column's maximum
        }
        for j in 0..<rows { #expect(numerators[j * ldx + padded ..< (j + 1) * ldx] == input[j * ldx + padded ..< (j + 1) * ldx]) }
        #expect(inverseSums[columns...].allSatisfy { $0.isNaN })
    }

    @Test func scaleRowsTouchesOnlyItsColumns() {
        var x = (0..<30).map(Float.init)
        scaleRowsF32(rows: 3, columns: 9, x: &x, stride: 10, factors: [2, -1, 0.5])
        let first: [Float] = (0..<9).map { Float($0) * 2 } + [9]
        let second: [Float] = (10..<19).map { -Float($0) } + [19]
        let third: [Float] = (20..<29).map { Float($0) * 0.5 } + [29]
        #expect(x == first + second + third)
    }
}
