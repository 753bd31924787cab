import Engine
import Testing

/// What callers can rely on besides correct numbers: typed errors naming expected and actual,
/// and non-finite inputs in some samples leaving the others' results alone.
@Suite struct ModelContractTests {
    static func cnn(maxBatch: Int = 2) throws -> Model {
        try Model(architecture: .cnn(), weights: GoldenFixture("cnn").weightSet(), maxBatch: maxBatch)
    }

    /// A golden model in FP32, or int8 with its activations calibrated on the 8 golden inputs.
    static func model(_ name: String, _ precision: Precision, maxBatch: Int, threads: Int = 1) throws -> Model {
        let golden = try GoldenFixture(name)
        var weights = try golden.weightSet()
        if precision == .int8 {
            weights = try weights.quantized(for: golden.architecture, calibrationSamples: golden.floats("input.f32"),
                                            sampleCount: golden.sampleCount)
        }
        return try Model(architecture: golden.architecture, weights: weights, maxBatch: maxBatch, threads: threads)
    }

    static let modelsInBothPrecisions = GoldenModelTests.models.flatMap { [($0, Precision.fp32), ($0, .int8)] }

    @Test(arguments: GoldenModelTests.models, [Precision.fp32, .int8])
    func inputOneFloatShortOrLongIsATypedErrorNamingBothCounts(model name: String, precision: Precision) throws {
        let model = try Self.model(name, precision, maxBatch: 3)
        let shape = try Array(GoldenFixture(name).manifest.input.shape.dropFirst())
        let size = shape.reduce(1, *)
        for batch in [1, 3] {
            for count in [batch * size - 1, batch * size + 1] {
                let expected = EngineError.elementCountMismatch(buffer: "input for batch \(batch) of \(shape)",
                                                                expected: batch * size, actual: count)
                #expect(throws: expected) { _ = try model.run([Float](repeating: 0, count: count), batch: batch) }
            }
        }
        let message = "\(EngineError.elementCountMismatch(buffer: "input", expected: 784, actual: 783))"
        #expect(message == "input holds 783 floats, expected 784")
    }

    @Test func batchAboveMaxBatchIsATypedError() throws {
        let model = try Self.cnn(maxBatch: 2)
        #expect(throws: EngineError.batchOutOfRange(maximum: 2, actual: 3)) {
            _ = try model.run([Float](repeating: 0, count: 3 * 784), batch: 3)
        }
        #expect(throws: EngineError.batchOutOfRange(maximum: 2, actual: 0)) {
            _ = try model.run([], batch: 0)
        }
    }

    @Test func tooSmallOutputBufferIsATypedError() throws {
        let model = try Self.cnn()
        let input = [Float](repeating: 0.5, count: 784)
        var output = [Float](repeating: 0, count: 9)
        #expect(throws: EngineError.elementCountMismatch(buffer: "output for batch 1 of [10]", expected: 10, actual: 9)) {
            try input.withUnsafeBufferPointer { x in
                try output.withUnsafeMutableBufferPointer { y in try model.run(input: x, batch: 1, output: y) }
            }
        }
    }

    @Test func missingOrMisshapenWeightsAreTypedErrors() throws {
        var weights = try GoldenFixture("cnn").weightSet()
        weights.tensors["fc1.bias"] = nil
        #expect(throws: EngineError.badParameter(name: "fc1.bias", expected: [64], actual: nil)) {
            _ = try Model(architecture: .cnn(), weights: weights)
        }
        weights.tensors["fc1.bias"] = Tensor(shape: [63], floats: [Float](repeating: 0, count: 63))
        #expect(throws: EngineError.badParameter(name: "fc1.bias", expected: [64], actual: [63])) {
            _ = try Model(architecture: .cnn(), weights: weights)
        }
    }

    /// NaN, +Inf and −Inf in samples 1–3 of a batch of 4 run without trapping and leave sample 0
    /// the bits it gets with those samples clean. Int8 also gives sample 0 the bits it gets alone
    /// (calibrated, static activation scales); FP32 does not promise that: a GEMM of one or two rows
    /// runs the one-row kernel (four interleaved sums, no depth blocks), larger ones the tiles.
    @Test(arguments: modelsInBothPrecisions, [1, 3])
    func nonFiniteSamplesLeaveACleanSampleBitIdentical(model: (name: String, precision: Precision), threads: Int) throws {
        let (name, precision) = model
        let model = try Self.model(name, precision, maxBatch: 4, threads: threads)
        let size = model.inputShape.reduce(1, *)
        let clean = Array(try GoldenFixture(name).floats("input.f32")[..<(4 * size)])
        var poisoned = clean
        for (sample, value) in [(1, Float.nan), (2, .infinity), (3, -.infinity)] {
            for offset in [0, size / 2 + sample, size - 1] { poisoned[sample * size + offset] = value }
        }
        let first = model.outputShape.reduce(1, *)
        let expected = try model.run(clean, batch: 4)[..<first].map(\.bitPattern)
        let actual = try model.run(poisoned, batch: 4)[..<first].map(\.bitPattern)
        #expect(actual == expected)
        #expect(actual.allSatisfy { Float(bitPattern: $0).isFinite })
        if precision == .int8 {
            #expect(try model.run(Array(clean[..<size])).map(\.bitPattern) == expected)
        }
    }

    @Test func shapesComeFromTheArchitecture() throws {
        let model = try Self.cnn()
        #expect(model.inputShape == [1, 28, 28])
        #expect(model.outputShape == [10])
        #expect(model.precision == .fp32)
        #expect(model.activationPoints.map(\.name) ==
                ["conv1", "pool1", "conv2", "pool2", "conv3", "flatten", "fc1", "fc2", "softmax"])
    }
}
