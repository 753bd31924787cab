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

    @Test func scaleRowsTouchesOnlyItsColumns() {
        var x = (0..<30).map(Float.init)
        scaleRowsF32(rows: 3, columns: 9, x: &x, stride: 10, factors: [2, -1, 0.5])
        let first: [Float] = (0..<9).map { Float($0) * 2 } + [9]
        let second: [Float] = (10..<19).map { -Float($0) } + [19]
        let third: [Float] = (20..<29).map { Float($0) * 0.5 } + [29]
        #expect(x == first + second + third)
    }
}
