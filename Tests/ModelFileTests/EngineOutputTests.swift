import Engine
import ModelFile
import Testing

@Suite("A model read back from its file computes exactly what the original computes")
struct EngineOutputTests {
    @Test("FP32 cnn, lstm and attn give bit-identical outputs after a round trip through a file",
          arguments: SampleModels.architectures.map(\.label))
    func fp32Outputs(label: String) throws {
        let architecture = try #require(SampleModels.architectures.first { $0.label == label }).architecture
        let original = try SampleModels.fp32(architecture, name: label, seed: 11)
        let directory = try TemporaryDirectory()
        let path = directory.file("\(label).inferd")
        try original.write(to: path)
        let read = try ModelFile.read(path: path)

        let batch = 3
        var random = SeededRandom(seed: 99)
        let input = (0..<batch * architecture.inputShape.reduce(1, *)).map { _ in Float.random(in: 0...1, using: &random) }
        let expected = try Model(architecture: original.architecture, weights: original.weights, maxBatch: batch)
            .run(input, batch: batch)
        let actual = try Model(architecture: read.architecture, weights: read.weights, maxBatch: batch)
            .run(input, batch: batch)
        #expect(expected.count == batch * 10)
        #expect(actual == expected)
        #expect(expected.allSatisfy { $0.isFinite })
    }
}

@Suite("An int8 model quantized by the engine survives a file round trip")
struct Int8EngineOutputTests {
    @Test("int8 cnn, lstm and attn give bit-identical outputs after a round trip through a file",
          arguments: SampleModels.architectures.map(\.label))
    func int8Outputs(label: String) throws {
        let architecture = try #require(SampleModels.architectures.first { $0.label == label }).architecture
        let fp32 = try SampleModels.fp32(architecture, name: label, seed: 12)
        var random = SeededRandom(seed: 7)
        let sampleSize = architecture.inputShape.reduce(1, *)
        let calibration = (0..<16 * sampleSize).map { _ in Float.random(in: 0...1, using: &random) }
        let weights = try fp32.weights.quantized(for: architecture, calibrationSamples: calibration, sampleCount: 16)
        let original = ModelFile(name: "\(label)-int8", version: 1, architecture: architecture, weights: weights)
        let directory = try TemporaryDirectory()
        let path = directory.file("\(label).int8.inferd")
        try original.write(to: path)
        let read = try ModelFile.read(path: path)
        #expect(read == original)
        #expect(read.weights.precision == .int8 && !read.weights.activations.isEmpty)

        let batch = 2
        let input = (0..<batch * sampleSize).map { _ in Float.random(in: 0...1, using: &random) }
        let expected = try Model(architecture: architecture, weights: original.weights, maxBatch: batch).run(input, batch: batch)
        let actual = try Model(architecture: read.architecture, weights: read.weights, maxBatch: batch).run(input, batch: batch)
        #expect(expected.count == batch * 10)
        #expect(actual == expected)
    }
}
