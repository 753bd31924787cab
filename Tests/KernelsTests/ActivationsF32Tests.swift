import Kernels
import Testing

/// The vectorized nonlinearities against Double libm over [-20, 20] (200 001 points), checking
/// the maximum errors stated on `ActivationF32`.
@Suite struct ActivationsF32Tests {
    static let grid: [Float] = (0...200_000).map { -20 + Float($0) * 0.0002 }

    static func worstError(_ activation: ActivationF32, relativeTo scale: (Float) -> Float = { _ in 1 }) -> Float {
        var values = grid
        activation.apply(&values, count: values.count)
        return zip(grid, values).map { x, y in abs(y - activationF32Reference(activation, x)) / scale(x) }.max()!
    }

    @Test func sigmoidIsWithinOneAndAHalfTenMillionths() {
        let error = Self.worstError(.sigmoid)
        print("sigmoid max abs error \(error)")
        #expect(error <= 1.5e-7)
    }

    @Test func tanhIsWithinTwoAndAHalfTenMillionths() {
        let error = Self.worstError(.tanh)
        print("tanh max abs error \(error)")
        #expect(error <= 2.5e-7)
    }

    @Test func geluIsWithinThreeTenMillionthsScaledByMagnitude() {
        let error = Self.worstError(.gelu) { max(1, abs($0)) }
        print("gelu max abs error / max(1,|x|) \(error)")
        #expect(error <= 3e-7)
    }

    @Test func reluIsExact() {
        #expect(Self.worstError(.relu) == 0)
    }

    @Test func expIsWithinThreeTenMillionthsRelative() {
        let grid = (0...100_000).map { -80 + Float($0) * 0.0016 }
        let error = grid.map { x in
            abs(expF32x8(SIMD8(repeating: x))[0] - expF32Reference(x)) / expF32Reference(x)
        }.max()!
        print("exp max relative error \(error)")
        #expect(error <= 3e-7)
    }

    @Test func exp2IsWithinTwoTenMillionthsRelative() {
        let grid = (0...200_000).map { -126 + Float($0) * 0.00126 }
        let error = grid.map { w in
            abs(exp2F32x8(SIMD8(repeating: w))[0] - exp2F32Reference(w)) / exp2F32Reference(w)
        }.max()!
        print("exp2 max relative error \(error)")
        #expect(error <= 2e-7)
    }

    @Test func exp2IsExactAtIntegersAndSaturatesOutsideItsRange() {
        for n in -126...127 { #expect(exp2F32x8(SIMD8(repeating: Float(n)))[0] == Float(sign: .plus, exponent: n, significand: 1)) }
        let edges = exp2F32x8(SIMD8(.infinity, -.infinity, 500, -500, .nan, 0, 0, 0))
        #expect(edges[0] == 0x1p127 && edges[2] == 0x1p127)
        #expect(edges[1] == 0x1p-126 && edges[3] == 0x1p-126)
        #expect(edges[4].isNaN)
    }

    @Test(arguments: awkwardSizes)
    func inPlaceApplicationCoversTailsAndNothingMore(count: Int) {
        var data = TestData(seed: UInt64(count))
        let input = data.floats(count, in: -4, 4)
        var buffer = input + [123]
        ActivationF32.tanh.apply(&buffer, count: count)
        #expect(buffer[count] == 123)
        for i in 0..<count { #expect(abs(buffer[i] - activationF32Reference(.tanh, input[i])) <= 3e-7) }
    }

    /// The per-tile form a GEMM epilogue uses: every row within each function's stated error, and
    /// the floats between rows (`stride` past `columns`) untouched.
    @Test(arguments: [1, 3, 7], [1, 3, 17, 33])
    func rowsAtAStrideAreWithinTheStatedErrorsAndGapsAreUntouched(rows: Int, columns: Int) {
        var data = TestData(seed: UInt64(rows * 100 + columns) + 40)
        let stride = columns + 3
        let input = data.floats(rows * stride, in: -8, 8)
        let bounds: [(ActivationF32, (Float) -> Float)] = [
            (.sigmoid, { _ in 1.5e-7 }), (.tanh, { _ in 2.5e-7 }), (.gelu, { 3e-7 * max(1, abs($0)) }), (.relu, { _ in 0 }),
        ]
        for (activation, bound) in bounds {
            var x = input
            activation.apply(rows: rows, columns: columns, x: &x, stride: stride)
            for r in 0..<rows {
                for c in 0..<columns {
                    let v = input[r * stride + c]
                    #expect(abs(x[r * stride + c] - activationF32Reference(activation, v)) <= bound(v), "\(activation) at \(v)")
                }
                #expect(x[r * stride + columns ..< (r + 1) * stride] == input[r * stride + columns ..< (r + 1) * stride])
            }
        }
    }

    @Test func nonFiniteInputsSaturateOrPropagateWithoutTrapping() {
        var values: [Float] = [.nan, .infinity, -.infinity, .greatestFiniteMagnitude, -.greatestFiniteMagnitude]
        var sig = values
        ActivationF32.sigmoid.apply(&sig, count: sig.count)
        #expect(sig[0].isNaN)
        #expect(sig[1] == 1 && sig[3] == 1)
        #expect(sig[2] >= 0 && sig[2] < 1e-37 && sig[4] >= 0 && sig[4] < 1e-37)
        var th = values
        ActivationF32.tanh.apply(&th, count: th.count)
        #expect(Array(th[1...]) == [1, -1, 1, -1])
        ActivationF32.gelu.apply(&values, count: values.count)
        #expect(values[0].isNaN)
        #expect(values[1] == .infinity)
        // Within the stated 3e-7·|x| of the limits: x·Φ(5.2) for large x, −10·Φ(−5.2) below −10.
        #expect(abs(values[2]) <= 1e-6 && abs(values[4]) <= 1e-6)
        #expect(values[3].isFinite && values[3] >= Float.greatestFiniteMagnitude * (1 - 3e-7))
    }
}
