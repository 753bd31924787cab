import Engine
import Testing

/// A run nothing observes may fuse a 2×2 stride-2 max pool into the Winograd convolution before it
/// (each tile one pooling window; the tiles the pool drops are not computed). That must give the
/// bits of an observed run, which materializes every layer: the golden cnn, and a configuration
/// with padding, an odd output (a dropped last row and column), channels off the vector width, a
/// GELU before the pool, and a batch of three.
@Suite struct FusedPoolTests {
    @Test(arguments: ["cnn", "odd"])
    func unobservedFP32RunEqualsObservedRunBitForBit(model: String) throws {
        let architecture: Architecture, weights: WeightSet, batch: Int, inputs: [Float]
        if model == "cnn" {
            let golden = try GoldenFixture("cnn")
            (architecture, weights, batch) = (golden.architecture, try golden.weightSet(), 8)
            inputs = try golden.floats("input.f32")
        } else {
            architecture = Architecture(inputShape: [17, 9, 11], layers: [
                .conv2d(Conv2D(name: "c1", outChannels: 19, kernel: [3, 3], padding: [1, 1], activation: .gelu)),
                .maxPool2d(MaxPool2D(name: "p1", kernel: [2, 2], stride: [2, 2])),
                .conv2d(Conv2D(name: "c2", outChannels: 24, kernel: [3, 3], padding: [1, 1], activation: .relu)),
                .maxPool2d(MaxPool2D(name: "p2", kernel: [2, 2], stride: [2, 2])),
                .flatten(name: "f"),
                .dense(Dense(name: "d", outFeatures: 5)),
                .softmax(name: "s"),
            ])
            var random = SeededRandom(seed: 0xF05E)
            var tensors: [String: Tensor] = [:]
            for parameter in try architecture.parameters() {
                let bound = 1 / Float(max(1, parameter.shape.dropFirst().reduce(1, *))).squareRoot()
                tensors[parameter.name] = Tensor(shape: parameter.shape, floats: (0..<parameter.elementCount).map { _ in
                    Float.random(in: -bound..<bound, using: &random)
                })
            }
            weights = WeightSet(precision: .fp32, tensors: tensors)
            batch = 3
            inputs = (0..<batch * architecture.inputShape.reduce(1, *)).map { _ in Float.random(in: 0..<1, using: &random) }
        }
        let model = try Model(architecture: architecture, weights: weights, maxBatch: batch)
        var unobserved = [Float](repeating: 0, count: batch * model.outputShape.reduce(1, *)), observed = unobserved
        var pools = 0
        try inputs.withUnsafeBufferPointer { x in
            try unobserved.withUnsafeMutableBufferPointer { try model.run(input: x, batch: batch, output: $0) }
            try observed.withUnsafeMutableBufferPointer {
                try model.run(input: x, batch: batch, output: $0) { point, _ in
                    if point.name.hasPrefix("p") { pools += 1 }
                }
            }
        }
        #expect(pools >= 1)
        #expect(unobserved.map(\.bitPattern) == observed.map(\.bitPattern))
    }
}
