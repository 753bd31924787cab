import Engine
import Testing

/// What callers can rely on besides correct numbers: typed errors naming expected and actual,
/// and no crash on non-finite inputs.
@Suite struct ModelContractTests {
    static func cnn(maxBatch: Int = 2) throws -> Model {
        try Model(architecture: .cnn(), weights: GoldenFixture("cnn").weightSet(), maxBatch: maxBatch)
    }

    @Test func wrongInputSizeIsATypedErrorNamingBothCounts() throws {
        let model = try Self.cnn()
        #expect(throws: EngineError.elementCountMismatch(buffer: "input for batch 1 of [1, 28, 28]", expected: 784, actual: 783)) {
            _ = try model.run([Float](repeating: 0, count: 783))
        }
        let message = "\(EngineError.elementCountMismatch(buffer: "input", expected: 784, actual: 783))"
        #expect(message.contains("784") && message.contains("783"))
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
        #expect(throws: EngineError.self) {
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

    @Test(arguments: GoldenModelTests.models)
    func nonFiniteInputsDoNotCrash(model: String) throws {
        let golden = try GoldenFixture(model)
        let engine = try Model(architecture: golden.architecture, weights: golden.weightSet(), maxBatch: 3)
        let size = engine.inputShape.reduce(1, *)
        var input = [Float](repeating: 0.5, count: 3 * size)
        input[3] = .nan
        input[size + 7] = .infinity
        input[2 * size + 11] = -.infinity
        let output = try engine.run(input, batch: 3)
        #expect(output.count == 3 * 10)
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
