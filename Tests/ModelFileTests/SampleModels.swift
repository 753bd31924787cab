import Engine
import Foundation
import ModelFile

/// The reference configurations, small enough that tests over every byte stay fast.
enum SampleModels {
    static let architectures: [(label: String, architecture: Architecture)] = [
        ("cnn", .cnn()), ("lstm", .lstm()), ("attn", .attention()),
    ]

    static func fp32(_ architecture: Architecture, name: String = "sample", seed: UInt64 = 1) throws -> ModelFile {
        var random = SeededRandom(seed: seed)
        var tensors: [String: Tensor] = [:]
        for parameter in try architecture.parameters() {
            let values = (0..<parameter.elementCount).map { _ in Float.random(in: -0.5...0.5, using: &random) }
            tensors[parameter.name] = Tensor(shape: parameter.shape, floats: values)
        }
        return ModelFile(name: name, version: 3, architecture: architecture,
                         weights: WeightSet(precision: .fp32, tensors: tensors),
                         metadata: ["dataset": "fashion-mnist", "producer": "ModelFileTests"])
    }

    /// An int8 model as the contract defines it: int8 matrices with per-output-channel symmetric
    /// scales, everything else float32, and calibrated activation points.
    static func int8(_ architecture: Architecture, name: String = "sample-int8", seed: UInt64 = 2) throws -> ModelFile {
        var random = SeededRandom(seed: seed)
        var tensors: [String: Tensor] = [:]
        for parameter in try architecture.parameters() {
            if parameter.name.hasSuffix(".weight") || parameter.name.hasSuffix(".W_ih") || parameter.name.hasSuffix(".W_hh") {
                let values = (0..<parameter.elementCount).map { _ in Int8.random(in: -127...127, using: &random) }
                let scales = (0..<parameter.shape[0]).map { _ in Float.random(in: 1e-4...1e-1, using: &random) }
                tensors[parameter.name] = Tensor(shape: parameter.shape, elements: .int8(values), scales: scales)
            } else {
                let values = (0..<parameter.elementCount).map { _ in Float.random(in: -0.5...0.5, using: &random) }
                tensors[parameter.name] = Tensor(shape: parameter.shape, floats: values)
            }
        }
        let activations = ["input": QuantizationParameters(scale: 1 / 255, zeroPoint: -128),
                           "fc": QuantizationParameters(scale: 0.0371, zeroPoint: 5)]
        return ModelFile(name: name, version: 1, architecture: architecture,
                         weights: WeightSet(precision: .int8, tensors: tensors, activations: activations),
                         metadata: ["dataset": "fashion-mnist"])
    }
}

/// A fresh directory under the system temporary directory, removed when the value is released.
final class TemporaryDirectory {
    let path: String
    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("modelfile-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    func file(_ name: String) -> String { path + "/" + name }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}
