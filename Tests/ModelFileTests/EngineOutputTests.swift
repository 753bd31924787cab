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
        var random = SplitMix64(seed: 99)
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
