import Engine
import Foundation
import ModelFile

/// Small real models written with the ModelFile writer, so the tests do not depend on `models/`.
enum TestModels {
    /// A CNN shaped like the shipped one but narrow, so loading and running stay cheap.
    static let cnn = Architecture.cnn(channels: [4, 4, 4], hidden: 8)
    /// A dense classifier over 4 features.
    static let mlp = Architecture(inputShape: [4], layers: [
        .dense(Dense(name: "fc", outFeatures: 3)),
        .softmax(name: "softmax"),
    ])

    /// FP32 weights from a fixed-seed generator, small enough that softmax inputs stay moderate.
    static func weights(for architecture: Architecture, seed: UInt64) throws -> WeightSet {
        var state = seed | 1
        var tensors: [String: Tensor] = [:]
        for parameter in try architecture.parameters() {
            let values = (0..<parameter.elementCount).map { _ -> Float in
                state = state &* 6364136223846793005 &+ 1442695040888963407
                return Float(Int64(bitPattern: state >> 11) % 2001 - 1000) / 10_000
            }
            tensors[parameter.name] = Tensor(shape: parameter.shape, floats: values)
        }
        return WeightSet(precision: .fp32, tensors: tensors)
    }

    static func file(name: String, version: Int, architecture: Architecture, seed: UInt64 = 7) throws -> ModelFile {
        ModelFile(name: name, version: version, architecture: architecture,
                  weights: try weights(for: architecture, seed: seed), metadata: ["producer": "ServerTests"])
    }

    /// A deterministic input of `count` floats in [0, 1).
    static func input(count: Int, seed: Int = 1) -> [Float] {
        (0..<count).map { Float(($0 * 7919 + seed * 104729) % 1000) / 1000 }
    }
}
