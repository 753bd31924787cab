import Engine
import Testing

/// The engine against ONNX Runtime on the three golden models (`Fixtures/`): logits and
/// probabilities of all 8 inputs within 1e-4 absolute, at batch 8 and batch 1, and every
/// per-layer activation of sample 0 within 1e-4·max(1, |value|).
@Suite struct GoldenModelTests {
    static let models = ["cnn", "lstm", "attn"]

    static func maxDeviation(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).map { abs($0 - $1) }.max() ?? .infinity
    }

    @Test(arguments: models)
    func batchOfEightMatchesLogitsAndProbabilities(model: String) throws {
        let golden = try GoldenFixture(model)
        let engine = try Model(architecture: golden.architecture, weights: golden.weightSet(), maxBatch: 8)
        let input = try golden.floats("input.f32")
        let logitsName = try #require(golden.architecture.layers.dropLast().last?.name)
        var logits: [Float] = []
        var probs = [Float](repeating: .nan, count: 80)
        try input.withUnsafeBufferPointer { x in
            try probs.withUnsafeMutableBufferPointer { y in
                try engine.run(input: x, batch: 8, output: y) { point, values in
                    if point.name == logitsName { logits = Array(values) }
                }
            }
        }
        let logitsError = Self.maxDeviation(logits, try golden.floats("logits.f32"))
        let probsError = Self.maxDeviation(probs, try golden.floats("probs.f32"))
        print("\(model): max |logits − ORT| = \(logitsError), max |probs − ORT| = \(probsError)")
        #expect(logits.count == 80)
        #expect(logitsError <= 1e-4)
        #expect(probsError <= 1e-4)
    }

    @Test(arguments: models)
    func eachInputAloneMatchesProbabilities(model: String) throws {
        let golden = try GoldenFixture(model)
        let engine = try Model(architecture: golden.architecture, weights: golden.weightSet())
        let input = try golden.floats("input.f32"), expected = try golden.floats("probs.f32")
        let size = engine.inputShape.reduce(1, *)
        for sample in 0..<golden.sampleCount {
            let probs = try engine.run(Array(input[sample * size..<(sample + 1) * size]))
            #expect(Self.maxDeviation(probs, Array(expected[sample * 10..<(sample + 1) * 10])) <= 1e-4,
                    "sample \(sample)")
        }
    }

    @Test(arguments: models, [2, 3])
    func workerThreadsSplittingTheBatchGiveTheSameProbabilities(model: String, threads: Int) throws {
        let golden = try GoldenFixture(model)
        let engine = try Model(architecture: golden.architecture, weights: golden.weightSet(), maxBatch: 8, threads: threads)
        let input = try golden.floats("input.f32"), expected = try golden.floats("probs.f32")
        for _ in 0..<3 {
            #expect(Self.maxDeviation(try engine.run(input, batch: 8), expected) <= 1e-4)
        }
        let size = engine.inputShape.reduce(1, *)
        let five = try engine.run(Array(input[..<(5 * size)]), batch: 5)
        #expect(Self.maxDeviation(five, Array(expected[..<50])) <= 1e-4)
    }

    @Test(arguments: models)
    func everyActivationOfSampleZeroMatches(model: String) throws {
        let golden = try GoldenFixture(model)
        let engine = try Model(architecture: golden.architecture, weights: golden.weightSet(), maxBatch: 8)
        let input = try golden.floats("input.f32")
        var observed: [String: [Float]] = [:]
        var output = [Float](repeating: 0, count: 80)
        try input.withUnsafeBufferPointer { x in
            try output.withUnsafeMutableBufferPointer { y in
                try engine.run(input: x, batch: 8, output: y) { point, values in
                    observed[point.name] = point.firstSample(values)
                }
            }
        }
        var worst: Float = 0
        for (point, act) in golden.activations {
            let actual = try #require(observed[point], "no activation point \(point)")
            let expected = try golden.floats(act.file)
            #expect(actual.count == expected.count, "\(point) size")
            let error = zip(actual, expected).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? .infinity
            worst = max(worst, error)
            #expect(error <= 1e-4, "\(point) deviates by \(error) relative to max(1, |value|)")
        }
        print("\(model): \(golden.activations.count) activations, worst relative deviation \(worst)")
    }
}
