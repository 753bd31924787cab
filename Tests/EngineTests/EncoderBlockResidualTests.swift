import Engine
import Testing

/// An unobserved FP32 encoder block adds its residuals in the output projections' GEMM epilogues;
/// an observed run forms attn_out and mlp_out and adds them separately (as int8 always does). Both
/// give the same bits, for the golden attn model in FP32 and int8, batch 8.
@Suite struct EncoderBlockResidualTests {
    @Test(arguments: [Precision.fp32, .int8])
    func unobservedRunEqualsObservedRunBitForBit(precision: Precision) throws {
        let golden = try GoldenFixture("attn")
        let inputs = try golden.floats("input.f32"), batch = 8
        var weights = try golden.weightSet()
        if precision == .int8 {
            weights = try weights.quantized(for: golden.architecture, calibrationSamples: inputs, sampleCount: batch)
        }
        let model = try Model(architecture: golden.architecture, weights: weights, maxBatch: batch)
        #expect(model.precision == precision)
        var unobserved = [Float](repeating: 0, count: batch * model.outputShape.reduce(1, *)), observed = unobserved
        var residualPoints = 0
        try inputs.withUnsafeBufferPointer { x in
            try unobserved.withUnsafeMutableBufferPointer { try model.run(input: x, batch: batch, output: $0) }
            try observed.withUnsafeMutableBufferPointer {
                try model.run(input: x, batch: batch, output: $0) { point, _ in
                    if point.name.hasSuffix(".attn_out") || point.name.hasSuffix(".mlp_out") { residualPoints += 1 }
                }
            }
        }
        #expect(residualPoints == 4)
        #expect(unobserved.map(\.bitPattern) == observed.map(\.bitPattern))
    }
}
