import Engine

/// The JSON header at the start of the decompressed payload: everything except the tensor bytes.
/// Encoded with sorted keys; see docs/model-file.md for the schema.
public struct Header: Codable, Sendable, Equatable {
    public var name: String
    public var version: Int
    public var precision: Precision
    public var architecture: Architecture
    public var metadata: [String: String]
    /// Calibrated activation quantization points (int8 models), by point name.
    public var activations: [String: QuantizationParameters]
    public var tensors: [TensorEntry]

    public init(name: String, version: Int, precision: Precision, architecture: Architecture,
                metadata: [String: String], activations: [String: QuantizationParameters], tensors: [TensorEntry]) {
        self.name = name; self.version = version; self.precision = precision; self.architecture = architecture
        self.metadata = metadata; self.activations = activations; self.tensors = tensors
    }
}

/// One row of the tensor table: where a tensor's bytes are in the data section and how to read them.
public struct TensorEntry: Codable, Sendable, Equatable {
    public var name: String
    public var dtype: ElementType
    public var shape: [Int]
    /// Byte offset from the start of the data section; a multiple of 64.
    public var offset: Int
    /// Exactly `product(shape) * dtype.byteWidth`.
    public var byteCount: Int
    /// Per-channel (axis 0) scales, or one for the whole tensor; empty when not quantized.
    public var scales: [Float]
    /// Zero points matching `scales`; empty means symmetric (all zero).
    public var zeroPoints: [Int32]

    public init(name: String, dtype: ElementType, shape: [Int], offset: Int, byteCount: Int,
                scales: [Float] = [], zeroPoints: [Int32] = []) {
        self.name = name; self.dtype = dtype; self.shape = shape; self.offset = offset
        self.byteCount = byteCount; self.scales = scales; self.zeroPoints = zeroPoints
    }
}
