import Crypto
import Engine

/// One served model as stored in a `.inferd` weight file: served name and version, architecture,
/// weights (with activation quantization for int8) and free-form metadata.
/// The format is documented in docs/model-file.md.
public struct ModelFile: Sendable, Equatable {
    /// Served model name: `[A-Za-z0-9_.-]{1,64}`.
    public var name: String
    /// Model version, at least 1.
    public var version: Int
    public var architecture: Architecture
    public var weights: WeightSet
    /// Free key-values: dataset, accuracy, date, producer, ...
    public var metadata: [String: String]

    public init(name: String, version: Int, architecture: Architecture, weights: WeightSet,
                metadata: [String: String] = [:]) {
        self.name = name; self.version = version; self.architecture = architecture
        self.weights = weights; self.metadata = metadata
    }

    /// Validates the model and writes it atomically (temporary file, fsync, rename),
    /// signed with `signingKey` when given.
    public func write(to path: String, signingKey: Curve25519.Signing.PrivateKey? = nil) throws(ModelFileError) {
        try FileIO.writeAtomically(encoded(signingKey: signingKey, path: path), to: path)
    }

    /// Reads and fully validates a weight file. With `trustedKeys`, a valid signature from one of
    /// them is required.
    public static func read(path: String, trustedKeys: [Curve25519.Signing.PublicKey]? = nil) throws(ModelFileError) -> ModelFile {
        try inspect(path: path, trustedKeys: trustedKeys).model
    }

    /// Decodes and fully validates the bytes of a weight file; `path` names it in errors.
    public static func decode(_ bytes: [UInt8], path: String = "<memory>",
                              trustedKeys: [Curve25519.Signing.PublicKey]? = nil) throws(ModelFileError) -> ModelFile {
        try withBytes(of: bytes) { (buffer) throws(ModelFileError) in
            try ModelFileInspection(parsing: buffer, path: path, trustedKeys: trustedKeys).model
        }
    }

    /// Reads a weight file and also returns its layout: sizes, tensor table, signature status.
    public static func inspect(path: String, trustedKeys: [Curve25519.Signing.PublicKey]? = nil) throws(ModelFileError) -> ModelFileInspection {
        let bytes = try FileIO.readAll(path: path, limit: Container.maxFileSize)
        return try withBytes(of: bytes) { (buffer) throws(ModelFileError) in
            try ModelFileInspection(parsing: buffer, path: path, trustedKeys: trustedKeys)
        }
    }
}

/// `Array.withUnsafeBytes` keeping the typed error.
private func withBytes<R>(of bytes: [UInt8], _ body: (UnsafeRawBufferPointer) throws(ModelFileError) -> R) throws(ModelFileError) -> R {
    try bytes.withUnsafeBytes { buffer in Result { () throws(ModelFileError) in try body(buffer) } }.get()
}
