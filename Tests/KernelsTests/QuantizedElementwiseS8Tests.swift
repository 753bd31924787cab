#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Kernels
import Testing

/// The elementwise int8 layers — activations by lookup table, add with requantization, softmax
/// and layer norm on uint8 input — match their scalar references bit for bit on awkward sizes,
/// and stay close to the FP32 computation on the dequantized values.
@Suite struct QuantizedElementwiseS8Tests {
    static let sizes = [1, 3, 7, 8, 17, 33, 100]

    @Test(arguments: sizes)
    func lookupTableActivationsMatchTheReference(count: Int) {
        var g = TestData(seed: UInt64(count) + 300)
        var x = [UInt8].random(count: count, using: &g)
        x[0] = 255
        if count > 1 { x[1] = 0 }
        for activation in [ActivationF32.sigmoid, .tanh, .gelu, .relu] {
            let table = ActivationTableU8(activation: activation, inputScale: 0.05, inputZeroPoint: 120,
                                          outputScale: 1.0 / 200, outputZeroPoint: 40)
            var fast = [UInt8](repeating: 0, count: count), slow = fast
            applyActivationU8(count: count, x: x, table: table, y: &fast)
            applyActivationU8Reference(count: count, x: x, activation: activation, inputScale: 0.05, inputZeroPoint: 120,
                                       outputScale: 1.0 / 200, outputZeroPoint: 40, y: &slow)
            #expect(fast == slow, "\(activation)")
        }
    }

    /// Every code through the table against the exact function on its dequantized value, requantized
    /// in Double: within one step (the vectorized activations' stated errors, ≤ 3e-7·max(1, |x|),
    /// are far below a step of 1/255, so only values near a rounding boundary may land one code over).
    @Test(arguments: [(ActivationF32.sigmoid, Float(1) / 255, Int32(0)), (.tanh, 2 / 255, 128), (.gelu, 7 / 255, 10)])
    func everyCodeIsWithinOneStepOfTheExactActivation(activation: ActivationF32, outputScale: Float, outputZeroPoint: Int32) {
        let inputScale: Float = 0.05, inputZeroPoint: Int32 = 120
        let table = ActivationTableU8(activation: activation, inputScale: inputScale, inputZeroPoint: inputZeroPoint,
                                      outputScale: outputScale, outputZeroPoint: outputZeroPoint)
        let codes = (0...255).map(UInt8.init)
        var y = [UInt8](repeating: 0, count: 256)
        applyActivationU8(count: 256, x: codes, table: table, y: &y)
        for q in codes {
            let exact = activationF32Reference(activation, Float(Int32(q) - inputZeroPoint) * inputScale)
            let code = min(max((Double(exact) / Double(outputScale) + Double(outputZeroPoint)).rounded(), 0), 255)
            #expect(abs(Double(y[Int(q)]) - code) <= 1, "\(activation) code \(q)")
        }
    }

    @Test func reluTableIsTheClampAtTheZeroPoint() {
        let table = ActivationTableU8(activation: .relu, inputScale: 0.1, inputZeroPoint: 77, outputScale: 0.1,
                                      outputZeroPoint: 77)
        #expect(table.entries == (0..<256).map { UInt8(max($0, 77)) })
    }

    @Test(arguments: sizes)
    func addWithRequantizationMatchesTheReference(count: Int) {
        var g = TestData(seed: UInt64(count) + 400)
        let a = [UInt8].random(count: count, using: &g), b = [UInt8].random(count: count, using: &g)
        var fast = [UInt8](repeating: 0, count: count), slow = fast
        addU8(count: count, a: a, (0.02, 128), b: b, (0.035, 9), outputScale: 0.04, outputZeroPoint: 100, y: &fast)
        addU8Reference(count: count, a: a, (0.02, 128), b: b, (0.035, 9), outputScale: 0.04, outputZeroPoint: 100,
                       y: &slow)
        #expect(fast == slow)
        for i in 0..<count {
            let sum = Float(Int(a[i]) - 128) * 0.02 + Float(Int(b[i]) - 9) * 0.035
            let expected = min(max((sum / 0.04 + 100).rounded(), 0), 255)
            #expect(abs(Float(fast[i]) - expected) <= 1, "element \(i)")
        }
    }

    @Test(arguments: [(1, 1), (3, 10), (7, 17), (2, 33), (5, 64)])
    func softmaxOnUInt8MatchesTheReferenceAndFP32(rows: Int, columns: Int) {
        var g = TestData(seed: UInt64(rows * 50 + columns))
        let ldx = columns + 3, ldy = columns + 1, scale: Float = 0.06
        let x = [UInt8].random(count: rows * ldx, using: &g)
        var fast = [Float](repeating: 0, count: rows * ldy), slow = fast
        softmaxU8(rows: rows, columns: columns, x: x, ldx: ldx, table: SoftmaxTableU8(scale: scale), y: &fast, ldy: ldy)
        softmaxU8Reference(rows: rows, columns: columns, x: x, ldx: ldx, scale: scale, y: &slow, ldy: ldy)
        #expect(fast.map(\.bitPattern) == slow.map(\.bitPattern))
        for i in 0..<rows {
            let values = (0..<columns).map { Float(x[i * ldx + $0]) * scale }
            let top = values.max()!
            let total = values.reduce(0) { $0 + exp($1 - top) }
            for j in 0..<columns {
                #expect(abs(fast[i * ldy + j] - exp(values[j] - top) / total) <= 1e-5)
            }
        }
    }

    @Test(arguments: [(1, 1), (3, 7), (2, 16), (4, 33), (1, 64), (2, 100)])
    func layerNormOnUInt8MatchesTheReferenceAndFP32(rows: Int, columns: Int) {
        var g = TestData(seed: UInt64(rows * 70 + columns))
        let ldx = columns + 2, ldy = columns + 5, scale: Float = 0.03, zeroPoint: Int32 = 111
        let x = [UInt8].random(count: rows * ldx, using: &g)
        let gamma = g.floats(columns, in: 0.5, 1.5), beta = g.floats(columns)
        var fast = [Float](repeating: 0, count: rows * ldy), slow = fast
        layerNormU8(rows: rows, columns: columns, x: x, ldx: ldx, scale: scale, zeroPoint: zeroPoint, gamma: gamma,
                    beta: beta, eps: 1e-5, y: &fast, ldy: ldy)
        layerNormU8Reference(rows: rows, columns: columns, x: x, ldx: ldx, scale: scale, zeroPoint: zeroPoint,
                             gamma: gamma, beta: beta, eps: 1e-5, y: &slow, ldy: ldy)
        #expect(fast.map(\.bitPattern) == slow.map(\.bitPattern))
        for i in 0..<rows {
            let values = (0..<columns).map { Double(Int32(x[i * ldx + $0]) - zeroPoint) * Double(scale) }
            let mean = values.reduce(0, +) / Double(columns)
            let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(columns)
            for j in 0..<columns {
                let expected = Double(gamma[j]) * (values[j] - mean) / (variance + 1e-5).squareRoot() + Double(beta[j])
                #expect(abs(Double(fast[i * ldy + j]) - expected) <= 1e-4, "row \(i) column \(j)")
            }
        }
    }
}
