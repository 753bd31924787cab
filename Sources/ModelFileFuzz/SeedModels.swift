import Engine
import ModelFile

/// Tiny valid models of each architecture family and precision: small seeds fuzz faster.
enum SeedModels {
    static func all() throws -> [(label: String, model: ModelFile)] {
        let architectures: [(String, Architecture)] = [
            ("cnn", .cnn(channels: [2, 2, 2], hidden: 4, classes: 3)),
            ("lstm", .lstm(steps: 3, features: 4, hidden: 2, classes: 3)),
            ("attn", .attention(patch: 7, width: 4, blocks: 1, heads: 2, mlpHidden: 4, classes: 3)),
        ]
        var models: [(String, ModelFile)] = []
        for (label, architecture) in architectures {
            models.append(("\(label).fp32", try model(architecture, name: label, int8: false)))
            models.append(("\(label).int8", try model(architecture, name: "\(label)-int8", int8: true)))
        }
        return models
    }

    private static func model(_ architecture: Architecture, name: String, int8: Bool) throws -> ModelFile {
        var tensors: [String: Tensor] = [:]
        for (index, parameter) in try architecture.parameters().enumerated() {
            let count = parameter.elementCount
            let isMatrix = [".weight", ".W_ih", ".W_hh"].contains { parameter.name.hasSuffix($0) }
            if int8 && isMatrix {
                let values = (0..<count).map { Int8(truncatingIfNeeded: $0 * 37 + index) }
                let scales = (0..<parameter.shape[0]).map { Float($0 + 1) / 64 }
                tensors[parameter.name] = Tensor(shape: parameter.shape, elements: .int8(values), scales: scales)
            } else {
                tensors[parameter.name] = Tensor(shape: parameter.shape,
                                                 floats: (0..<count).map { Float($0 % 7) / 8 - 0.375 })
            }
        }
        let activations: [String: QuantizationParameters] = int8 ? ["input": .init(scale: 1 / 255, zeroPoint: -128)] : [:]
        return ModelFile(name: name, version: 1, architecture: architecture,
                         weights: WeightSet(precision: int8 ? .int8 : .fp32, tensors: tensors, activations: activations),
                         metadata: ["producer": "ModelFileFuzz seeds"])
    }
}
