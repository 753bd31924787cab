import Engine
import Foundation
import ModelFile

/// What `inferctl inspect` shows, as text or as JSON.
struct InspectReport: Encodable {
    struct TensorRow: Encodable {
        var name: String
        var dtype: String
        var shape: [Int]
        var bytes: Int
        var scales: Int
        var zeroPoints: Int
    }

    var file: String
    var formatVersion: String
    var name: String
    var version: Int
    var precision: String
    var signature: String
    var fileBytes: Int
    var compressedBytes: Int
    var decompressedBytes: Int
    var compressionRatio: Double
    var architecture: Architecture
    var outputShape: [Int]
    var tensors: [TensorRow]
    var activations: [String: QuantizationParameters]
    var metadata: [String: String]

    init(file: String, _ inspection: ModelFileInspection) {
        let model = inspection.model
        self.file = file
        formatVersion = inspection.formatVersion.description
        name = model.name
        version = model.version
        precision = model.weights.precision.rawValue
        signature = inspection.signature.description
        fileBytes = inspection.fileSize
        compressedBytes = inspection.compressedSize
        decompressedBytes = inspection.decompressedSize
        compressionRatio = (inspection.compressionRatio * 1000).rounded() / 1000
        architecture = model.architecture
        outputShape = (try? model.architecture.outputShape()) ?? []
        tensors = inspection.tensors.map {
            TensorRow(name: $0.name, dtype: $0.dtype.rawValue, shape: $0.shape, bytes: $0.byteCount,
                      scales: $0.scales.count, zeroPoints: $0.zeroPoints.count)
        }
        activations = model.weights.activations
        metadata = model.metadata
    }

    var text: String {
        var lines = [
            "\(file): valid inferd weight file, format \(formatVersion)",
            "model:        \(name) version \(version), \(precision)",
            "signature:    \(signature)",
            "size:         \(fileBytes) bytes; payload \(compressedBytes) compressed, \(decompressedBytes) decompressed (ratio \(String(format: "%.2f", compressionRatio)))",
            "architecture: input \(architecture.inputShape) -> output \(outputShape), \(architecture.layers.count) layers",
        ]
        lines += architecture.layers.map { "  \(Self.describe($0))" }
        let total = tensors.reduce(0) { $0 + $1.bytes }
        lines.append("tensors:      \(tensors.count), \(total) bytes")
        let width = tensors.map(\.name.count).max() ?? 0
        for tensor in tensors {
            let quantization = tensor.scales == 0 ? "" : "  \(tensor.scales) scales" + (tensor.zeroPoints == 0 ? "" : ", \(tensor.zeroPoints) zero points")
            lines.append("  \(tensor.name.padding(toLength: width, withPad: " ", startingAt: 0))  \(tensor.dtype.padding(toLength: 7, withPad: " ", startingAt: 0))  \("\(tensor.shape)".padding(toLength: 16, withPad: " ", startingAt: 0))  \(tensor.bytes) bytes\(quantization)")
        }
        if !activations.isEmpty {
            lines.append("activations:  \(activations.count) quantization points")
            for (point, q) in activations.sorted(by: { $0.key < $1.key }) {
                lines.append("  \(point): scale \(q.scale), zero point \(q.zeroPoint)")
            }
        }
        lines.append("metadata:" + (metadata.isEmpty ? "     none" : ""))
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) { lines.append("  \(key): \(value)") }
        return lines.joined(separator: "\n")
    }

    static func describe(_ layer: Layer) -> String {
        switch layer {
        case let .conv2d(l):
            "\(l.name): conv2d \(l.outChannels) out, kernel \(l.kernel), stride \(l.stride), padding \(l.padding), \(l.activation.rawValue)"
        case let .maxPool2d(l): "\(l.name): maxPool2d kernel \(l.kernel), stride \(l.stride)"
        case let .flatten(name): "\(name): flatten"
        case let .dense(l): "\(l.name): dense \(l.outFeatures) out, \(l.activation.rawValue)"
        case let .lstm(l): "\(l.name): lstm hidden \(l.hidden), \(l.returnSequences ? "all steps" : "last step")"
        case let .patchEmbedding(l): "\(l.name): patchEmbedding patch \(l.patch), width \(l.dim)"
        case let .positionEmbedding(name): "\(name): positionEmbedding"
        case let .encoderBlock(l): "\(l.name): encoderBlock \(l.heads) heads, MLP \(l.mlpHidden), eps \(l.eps)"
        case let .layerNorm(l): "\(l.name): layerNorm eps \(l.eps)"
        case let .meanPool(name): "\(name): meanPool"
        case let .softmax(name): "\(name): softmax"
        }
    }
}
