import Engine
import Testing

/// The int8 path against FP32 on the three golden models: weights quantized per channel,
/// activation ranges calibrated on 256 seeded uniform [0, 1) inputs (drawn like the golden
/// inputs, not the golden inputs themselves), then the 8 golden inputs run through both.
///
/// Tolerance, per model: top-1 agrees with FP32 on all 8 golden inputs, and no class probability
/// differs from FP32 by more than 0.02 (`Int8AccuracyTests.tolerance`). 8-bit activations carry
/// about 2 significant digits, so probabilities move by about 1e-3 (measured: cnn 1.0e-3, lstm 2.6e-4, attn 4.4e-3); 0.02 leaves
/// room for different weights without letting a broken path (errors of order 0.1–1) through.
@Suite struct Int8AccuracyTests {
    static let models = ["cnn", "lstm", "attn"]
    static let tolerance: Float = 0.02
    static let calibrationCount = 256

    static func calibrationSamples(for architecture: Architecture) -> [Float] {
        var random = SeededRandom(seed: 0x1A78)
        let count = calibrationCount * architecture.inputShape.reduce(1, *)
        return (0..<count).map { _ in Float.random(in: 0..<1, using: &random) }
    }

    static func quantized(_ golden: GoldenFixture) throws -> WeightSet {
        let architecture = golden.architecture
        return try golden.weightSet().quantized(for: architecture, calibrationSamples: calibrationSamples(for: architecture),
                                                sampleCount: calibrationCount)
    }

    @Test(arguments: models)
    func int8AgreesWithFP32OnTheGoldenInputs(model: String) throws {
        let golden = try GoldenFixture(model)
        let int8 = try Model(architecture: golden.architecture, weights: Self.quantized(golden), maxBatch: 8)
        #expect(int8.precision == .int8)
        let input = try golden.floats("input.f32")
        let fp32 = try golden.floats("probs.f32")
        let probs = try int8.run(input, batch: 8)
        let classes = fp32.count / 8
        var agreeing = 0
        for s in 0..<8 {
            let mine = probs[s * classes ..< (s + 1) * classes], theirs = fp32[s * classes ..< (s + 1) * classes]
            if mine.indices.max(by: { mine[$0] < mine[$1] }) == theirs.indices.max(by: { theirs[$0] < theirs[$1] }) {
                agreeing += 1
            }
        }
        let error = zip(probs, fp32).map { abs($0 - $1) }.max() ?? .infinity
        print("\(model) int8: max |p − p_fp32| = \(error), top-1 agreement \(agreeing)/8")
        #expect(agreeing == 8)
        #expect(error <= Self.tolerance)
    }

    /// q, k and v of an encoder block normally run as one stacked int8 matrix over one quantization
    /// of their shared input; a file whose k input was calibrated differently runs them as three
    /// matrices, and still agrees with FP32 (and differs from the stacked run: its k changed).
    @Test func encoderProjectionsWithDifferentInputQuantizationsAgreeWithFP32() throws {
        let golden = try GoldenFixture("attn")
        let stacked = try Self.quantized(golden)
        var separate = stacked
        for case let .encoderBlock(block) in golden.architecture.layers {
            let name = "\(block.name).k.weight"
            var q = try #require(separate.activations[name])
            q.scale *= 1.25
            separate.activations[name] = q
        }
        let input = try golden.floats("input.f32"), fp32 = try golden.floats("probs.f32")
        let probs = try Model(architecture: golden.architecture, weights: separate, maxBatch: 8).run(input, batch: 8)
        let reference = try Model(architecture: golden.architecture, weights: stacked, maxBatch: 8).run(input, batch: 8)
        let classes = fp32.count / 8
        for s in 0..<8 {
            let mine = probs[s * classes ..< (s + 1) * classes], theirs = fp32[s * classes ..< (s + 1) * classes]
            #expect(mine.indices.max(by: { mine[$0] < mine[$1] }) == theirs.indices.max(by: { theirs[$0] < theirs[$1] }))
        }
        #expect((zip(probs, fp32).map { abs($0 - $1) }.max() ?? .infinity) <= Self.tolerance)
        #expect(probs != reference)
    }

    @Test(arguments: models)
    func quantizedWeightSetHoldsInt8MatricesAndCalibratedInputs(model: String) throws {
        let golden = try GoldenFixture(model)
        let weights = try Self.quantized(golden)
        let matrices = try golden.architecture.quantizedInputs().map(\.weight)
        #expect(weights.precision == .int8)
        #expect(Set(weights.activations.keys) == Set(matrices))
        for parameter in try golden.architecture.parameters() {
            let tensor = try #require(weights.tensors[parameter.name])
            #expect(tensor.shape == parameter.shape)
            if matrices.contains(parameter.name) {
                #expect(tensor.elementType == .int8, "\(parameter.name)")
                #expect(tensor.scales.count == parameter.shape[0] && tensor.zeroPoints.isEmpty)
            } else {
                #expect(tensor.elementType == .float32, "\(parameter.name)")
            }
        }
        for (name, q) in weights.activations {
            #expect(q.scale > 0 && (0...255).contains(q.zeroPoint), "\(name): \(q)")
        }
    }

    /// Static quantization makes each sample's result independent of its batch: bit-identical.
    @Test(arguments: models)
    func int8SampleAloneEqualsSampleInBatch(model: String) throws {
        let golden = try GoldenFixture(model)
        let weights = try Self.quantized(golden)
        let batched = try Model(architecture: golden.architecture, weights: weights, maxBatch: 8)
        let single = try Model(architecture: golden.architecture, weights: weights)
        let input = try golden.floats("input.f32")
        let all = try batched.run(input, batch: 8)
        let perSample = input.count / 8, classes = all.count / 8
        for s in [0, 5, 7] {
            let alone = try single.run(Array(input[s * perSample ..< (s + 1) * perSample]))
            #expect(alone.map(\.bitPattern) == all[s * classes ..< (s + 1) * classes].map(\.bitPattern))
        }
    }

    @Test func quantizingRejectsAWrongCalibrationCount() throws {
        let golden = try GoldenFixture("cnn")
        #expect(throws: EngineError.self) {
            try golden.weightSet().quantized(for: golden.architecture, calibrationSamples: [0, 1, 2], sampleCount: 1)
        }
    }
}

