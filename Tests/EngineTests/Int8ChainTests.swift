import Engine
import Kernels
import Testing

/// The int8 cnn keeps its activations uint8 from conv to conv (requantized in the GEMM epilogue,
/// pooled as uint8, read in place by the indirect convolution). That must change no bit: the
/// model's logits equal a layer-by-layer int8 path built from the scalar reference kernels with
/// FP32 between layers (quantize, integer convolution or GEMM, dequantize, FP32 pooling).
@Suite struct Int8ChainTests {
    @Test func int8CNNEqualsTheLayerByLayerReferenceBitForBit() throws {
        let golden = try GoldenFixture("cnn")
        let weights = try Int8AccuracyTests.quantized(golden)
        let architecture = golden.architecture
        let model = try Model(architecture: architecture, weights: weights)
        let inputs = try golden.floats("input.f32"), inputCount = architecture.inputShape.reduce(1, *)
        for sample in 0..<8 {
            let x = Array(inputs[sample * inputCount ..< (sample + 1) * inputCount])
            var logits: [Float] = []
            var output = [Float](repeating: 0, count: 10)
            try x.withUnsafeBufferPointer { input in
                try output.withUnsafeMutableBufferPointer { y in
                    try model.run(input: input, batch: 1, output: y) { point, values in
                        if point.name == "fc2" { logits = Array(values) }
                    }
                }
            }
            let expected = try referenceLogits(architecture, weights, x)
            #expect(logits.map(\.bitPattern) == expected.map(\.bitPattern), "sample \(sample)")
        }
    }

    /// A run nothing observes may fuse a max pool into the convolution before it (pooling the
    /// Int32 sums, then requantizing only the pooled positions); that must give the bits of an
    /// observed run, which materializes every layer. The golden cnn, and a configuration with
    /// padding, an overlapping pool, a pool that drops the last output row and column (so the
    /// convolution computes only the region it reads), odd channel counts and a batch of three.
    @Test(arguments: ["cnn", "odd"])
    func unobservedRunEqualsObservedRunBitForBit(model: String) throws {
        let architecture: Architecture, weights: WeightSet, batch: Int, inputs: [Float]
        if model == "cnn" {
            let golden = try GoldenFixture("cnn")
            (architecture, weights, batch) = (golden.architecture, try Int8AccuracyTests.quantized(golden), 8)
            inputs = try golden.floats("input.f32")
        } else {
            architecture = Architecture(inputShape: [3, 17, 15], layers: [
                .conv2d(Conv2D(name: "c1", outChannels: 7, kernel: [3, 3], padding: [1, 1], activation: .relu)),
                .maxPool2d(MaxPool2D(name: "p1", kernel: [3, 3], stride: [2, 2])),
                .conv2d(Conv2D(name: "c2", outChannels: 17, kernel: [2, 3], stride: [1, 2], activation: .none)),
                .maxPool2d(MaxPool2D(name: "p2", kernel: [2, 2], stride: [2, 2])),
                .flatten(name: "f"),
                .dense(Dense(name: "d", outFeatures: 5)),
                .softmax(name: "s"),
            ])
            var random = SeededRandom(seed: 0x0DD)
            var tensors: [String: Tensor] = [:]
            for parameter in try architecture.parameters() {
                let bound = 1 / Float(max(1, parameter.shape.dropFirst().reduce(1, *))).squareRoot()
                tensors[parameter.name] = Tensor(shape: parameter.shape, floats: (0..<parameter.elementCount).map { _ in
                    Float.random(in: -bound..<bound, using: &random)
                })
            }
            let count = 3 * architecture.inputShape.reduce(1, *)
            inputs = (0..<count).map { _ in Float.random(in: 0..<1, using: &random) }
            weights = try WeightSet(precision: .fp32, tensors: tensors)
                .quantized(for: architecture, calibrationSamples: inputs, sampleCount: 3)
            batch = 3
        }
        let model = try Model(architecture: architecture, weights: weights, maxBatch: batch)
        #expect(model.precision == .int8)
        let outputCount = batch * model.outputShape.reduce(1, *)
        var unobserved = [Float](repeating: 0, count: outputCount), observed = unobserved
        var observedLayers = 0
        try inputs.withUnsafeBufferPointer { x in
            try unobserved.withUnsafeMutableBufferPointer { try model.run(input: x, batch: batch, output: $0) }
            try observed.withUnsafeMutableBufferPointer {
                try model.run(input: x, batch: batch, output: $0) { _, _ in observedLayers += 1 }
            }
        }
        #expect(observedLayers >= architecture.layers.count - 1)
        #expect(unobserved.map(\.bitPattern) == observed.map(\.bitPattern))
    }

    /// Runs the layers before the softmax in `[C, H, W]` order with the reference kernels.
    private func referenceLogits(_ architecture: Architecture, _ weights: WeightSet, _ input: [Float]) throws -> [Float] {
        var x = input, shape = architecture.inputShape
        for layer in architecture.layers {
            switch layer {
            case let .conv2d(conv):
                let g = Conv2DGeometry(channels: shape[0], height: shape[1], width: shape[2],
                                       kernel: (conv.kernel[0], conv.kernel[1]), stride: (conv.stride[0], conv.stride[1]),
                                       padding: (conv.padding[0], conv.padding[1]), channelsLast: false)
                let (w, scales, q) = try int8Matrix("\(conv.name).weight", weights)
                let bytes = quantized(x, q)
                var acc = [Int32](repeating: 0, count: g.positions * conv.outChannels)
                conv2dS8Reference(g, x: bytes, zeroPoint: q.zeroPoint, weights: w, outputs: conv.outChannels, c: &acc)
                let pixels = dequantized(acc, rows: g.positions, scales: scales, q, bias(conv.name, weights),
                                         conv.activation == .relu ? .relu : .none)
                x = (0..<pixels.count).map { pixels[($0 % g.positions) * conv.outChannels + $0 / g.positions] }
            case let .maxPool2d(pool):
                let g = Conv2DGeometry(channels: shape[0], height: shape[1], width: shape[2],
                                       kernel: (pool.kernel[0], pool.kernel[1]), stride: (pool.stride[0], pool.stride[1]),
                                       channelsLast: false)
                var y = [Float](repeating: 0, count: g.positions * g.channels)
                maxPoolF32Reference(g, x: x, y: &y)
                x = y
            case .flatten:
                break
            case let .dense(dense):
                let (w, scales, q) = try int8Matrix("\(dense.name).weight", weights)
                let inputs = x.count
                let wT = (0..<inputs * dense.outFeatures).map { w[($0 % dense.outFeatures) * inputs + $0 / dense.outFeatures] }
                var acc = [Int32](repeating: 0, count: dense.outFeatures)
                gemmS8Reference(m: 1, n: dense.outFeatures, k: inputs, a: quantized(x, q), lda: inputs,
                                aZeroPoint: q.zeroPoint, b: wT, ldb: dense.outFeatures, c: &acc, ldc: dense.outFeatures)
                x = dequantized(acc, rows: 1, scales: scales, q, bias(dense.name, weights),
                                dense.activation == .relu ? .relu : .none)
            case .softmax:
                return x
            default:
                Issue.record("layer \(layer.name) is not part of the reference")
            }
            shape = try layer.outputShape(input: shape)
        }
        return x
    }

    private func int8Matrix(_ name: String, _ weights: WeightSet) throws -> ([Int8], [Float], QuantizationParameters) {
        let tensor = try #require(weights.tensors[name])
        guard case let .int8(values) = tensor.elements else { throw ReferenceError.notInt8(name) }
        return (values, tensor.scales, try #require(weights.activations[name]))
    }

    private func bias(_ layer: String, _ weights: WeightSet) -> [Float] {
        guard case let .float32(values)? = weights.tensors["\(layer).bias"]?.elements else { return [] }
        return values
    }

    private func quantized(_ x: [Float], _ q: QuantizationParameters) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: x.count)
        quantizeU8Reference(count: x.count, x: x, inverseScale: 1 / q.scale, zeroPoint: q.zeroPoint, y: &bytes)
        return bytes
    }

    private func dequantized(_ acc: [Int32], rows: Int, scales: [Float], _ q: QuantizationParameters, _ bias: [Float],
                             _ activation: ActivationF32) -> [Float] {
        let columns = scales.count
        var y = [Float](repeating: 0, count: rows * columns)
        let columnScale = scales.map { $0 * q.scale }
        bias.withUnsafeBufferPointer { b in
            dequantizeColumnsF32Reference(rows: rows, columns: columns, acc: acc, ldacc: columns, scale: columnScale,
                                          bias: b.baseAddress, activation: activation, accumulate: false, y: &y, ldy: columns)
        }
        return y
    }

    enum ReferenceError: Error { case notInt8(String) }
}
