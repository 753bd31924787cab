import Engine
import Testing

@Test func referenceCNNParametersMatchTheGoldenShapes() throws {
    let params = try Architecture.cnn().parameters()
    #expect(params.map(\.name) == ["conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias",
                                   "conv3.weight", "conv3.bias", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"])
    #expect(params[6].shape == [64, 576])
    #expect(try Architecture.cnn().outputShape() == [10])
}

@Test func referenceAttentionHasThirtyNineParameters() throws {
    let params = try Architecture.attention().parameters()
    #expect(params.count == 39)
    #expect(params.first { $0.name == "pos" }?.shape == [49, 64])
}

@Test func headsThatDoNotDivideTheWidthAreRejected() {
    #expect(throws: EngineError.self) { try Architecture.attention(width: 30, heads: 4).outputShape() }
}
