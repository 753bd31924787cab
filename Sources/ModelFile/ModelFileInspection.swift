import Crypto
import Engine
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A validated weight file with its layout, for `inferctl inspect` and load-time reporting.
public struct ModelFileInspection: Sendable {
    public var model: ModelFile
    public var formatVersion: FormatVersion
    public var signature: SignatureStatus
    public var fileSize: Int
    /// Bytes of the zstd frame in the file.
    public var compressedSize: Int
    /// Bytes of the decompressed payload (header, padding and data section).
    public var decompressedSize: Int
    public var headerSize: Int
    /// The tensor table, in file order.
    public var tensors: [TensorEntry]

    /// Decompressed over compressed payload size.
    public var compressionRatio: Double { Double(decompressedSize) / Double(max(compressedSize, 1)) }

    /// Parses and validates every part of the file before building the model.
    public init(parsing file: UnsafeRawBufferPointer, path: String,
                trustedKeys: [Curve25519.Signing.PublicKey]?) throws(ModelFileError) {
        let container = try DecodedContainer(parsing: file, path: path, trustedKeys: trustedKeys)
        let header: Header
        do {
            header = try JSONDecoder().decode(Header.self, from: Data(container.header))
        } catch {
            throw .badHeader(path: path, reason: oneLine(error))
        }
        try Validation.check(header, data: container.data, path: path)
        let tensors = try WeightDecoding.tensors(of: header, data: container.data)
        model = ModelFile(name: header.name, version: header.version, architecture: header.architecture,
                          weights: WeightSet(precision: header.precision, tensors: tensors,
                                             activations: header.activations),
                          metadata: header.metadata)
        formatVersion = container.preamble.version
        signature = container.signature
        fileSize = container.fileSize
        compressedSize = Int(container.preamble.payloadLength)
        decompressedSize = container.payload.count
        headerSize = Int(container.preamble.headerLength)
        self.tensors = header.tensors
    }
}

/// A decoding error as one line: the coding path and the decoder's explanation.
private func oneLine(_ error: any Error) -> String {
    let text: String
    switch error {
    case let DecodingError.dataCorrupted(context), let DecodingError.keyNotFound(_, context),
         let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context):
        let at = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        text = (at.isEmpty ? "" : "at \(at): ") + context.debugDescription
    default:
        text = "\(error)"
    }
    return text.split(whereSeparator: \.isNewline).joined(separator: " ")
}
