import Crypto
import Engine
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

#if !_endian(little)
#error("The weight-file format is little-endian; add byte swapping before building for a big-endian target.")
#endif

/// Tensor bytes to and from the data section (little-endian, C order, no per-element work).
enum WeightDecoding {
    /// The tensors of a header whose table and data section have already been validated.
    static func tensors(of header: Header, data: UnsafeRawBufferPointer) throws(ModelFileError) -> [String: Tensor] {
        var tensors: [String: Tensor] = [:]
        tensors.reserveCapacity(header.tensors.count)
        for entry in header.tensors {
            let bytes = UnsafeRawBufferPointer(rebasing: data[entry.offset..<entry.offset + entry.byteCount])
            let elements: Tensor.Elements = switch entry.dtype {
            case .float32: .float32(copy(bytes, as: Float.self))
            case .int8: .int8(copy(bytes, as: Int8.self))
            case .int32: .int32(copy(bytes, as: Int32.self))
            }
            tensors[entry.name] = Tensor(shape: entry.shape, elements: elements,
                                         scales: entry.scales, zeroPoints: entry.zeroPoints)
        }
        return tensors
    }

    private static func copy<T>(_ bytes: UnsafeRawBufferPointer, as _: T.Type) -> [T] {
        let count = bytes.count / MemoryLayout<T>.stride
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            if count > 0 { UnsafeMutableRawPointer(buffer.baseAddress!).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count) }
            initialized = count
        }
    }
}

enum WeightEncoding {
    /// Validates `model`, then lays its tensors out in parameter order at 64-byte aligned offsets.
    static func container(for model: ModelFile, path: String) throws(ModelFileError) -> Container {
        let weights = model.weights
        for (name, tensor) in weights.tensors {
            guard ArchitectureLimits.elementCount(tensor.shape, limit: TensorTable.maxElements) == tensor.elementCount else {
                throw .badTensor(path: path, name: name,
                                 reason: "\(tensor.elementCount) elements do not fill shape \(tensor.shape)")
            }
        }
        try Validation.check(
            name: model.name, version: model.version, architecture: model.architecture,
            precision: weights.precision, activations: weights.activations,
            tensors: weights.tensors.map {
                .init(name: $0.key, dtype: $0.value.elementType, shape: $0.value.shape,
                      scales: $0.value.scales, zeroPoints: $0.value.zeroPoints)
            }, path: path)
        // Validation proved the tensor names are exactly the parameter names.
        let order = ((try? model.architecture.parameters()) ?? []).map(\.name)
        var entries: [TensorEntry] = []
        var size = 0
        for name in order {
            let tensor = weights.tensors[name]!
            let byteCount = tensor.elementCount * tensor.elementType.byteWidth
            entries.append(TensorEntry(name: name, dtype: tensor.elementType, shape: tensor.shape, offset: size,
                                       byteCount: byteCount, scales: tensor.scales, zeroPoints: tensor.zeroPoints))
            size = Container.dataOffset(headerLength: size + byteCount)
        }
        var data = [UInt8](repeating: 0, count: size)
        data.withUnsafeMutableBytes { out in
            for entry in entries {
                let destination = out.baseAddress! + entry.offset
                switch weights.tensors[entry.name]!.elements {
                case let .float32(values): values.withUnsafeBytes { destination.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
                case let .int8(values): values.withUnsafeBytes { destination.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
                case let .int32(values): values.withUnsafeBytes { destination.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
                }
            }
        }
        let header = Header(name: model.name, version: model.version, precision: weights.precision,
                            architecture: model.architecture, metadata: model.metadata,
                            activations: weights.activations, tensors: entries)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return Container(header: Array(try encoder.encode(header)), data: data)
        } catch {
            throw .unwritable(path: path, reason: "cannot encode the header: \(error)")
        }
    }
}

extension ModelFile {
    /// The bytes of the weight file for this model; `path` only names the file in errors.
    public func encoded(signingKey: Curve25519.Signing.PrivateKey? = nil, path: String = "<memory>") throws(ModelFileError) -> [UInt8] {
        try WeightEncoding.container(for: self, path: path).encoded(signingKey: signingKey, path: path)
    }
}
