/// Numeric precision a model computes in.
public enum Precision: String, Codable, Equatable, Sendable {
    case fp32, int8
}

/// Element type of a stored tensor.
public enum ElementType: String, Codable, Equatable, Sendable {
    case float32, int8, int32

    /// Size of one element in bytes.
    public var byteWidth: Int {
        switch self {
        case .float32, .int32: 4
        case .int8: 1
        }
    }
}

/// A named model tensor as stored: shape, elements and, for quantized tensors, per-channel
/// scales (axis 0) and zero points. A real value is `scale[c] * (q - zeroPoint[c])`.
public struct Tensor: Equatable, Sendable {
    public enum Elements: Equatable, Sendable {
        case float32([Float])
        case int8([Int8])
        case int32([Int32])
    }

    public var shape: [Int]
    public var elements: Elements
    /// One scale per channel of axis 0 (or one for the whole tensor); empty when not quantized.
    public var scales: [Float]
    /// Zero points matching `scales`; empty means all zero (symmetric).
    public var zeroPoints: [Int32]

    public init(shape: [Int], elements: Elements, scales: [Float] = [], zeroPoints: [Int32] = []) {
        self.shape = shape; self.elements = elements; self.scales = scales; self.zeroPoints = zeroPoints
    }

    /// An FP32 tensor.
    public init(shape: [Int], floats: [Float]) {
        self.init(shape: shape, elements: .float32(floats))
    }

    public var elementType: ElementType {
        switch elements {
        case .float32: .float32
        case .int8: .int8
        case .int32: .int32
        }
    }

    public var elementCount: Int {
        switch elements {
        case let .float32(v): v.count
        case let .int8(v): v.count
        case let .int32(v): v.count
        }
    }
}

/// Affine quantization of one activation point: `real = scale * (q - zeroPoint)`.
public struct QuantizationParameters: Codable, Equatable, Sendable {
    public var scale: Float
    public var zeroPoint: Int32

    public init(scale: Float, zeroPoint: Int32) {
        self.scale = scale; self.zeroPoint = zeroPoint
    }
}

/// Every tensor of one model, by name, with the precision the model runs in.
public struct WeightSet: Equatable, Sendable {
    public var precision: Precision
    public var tensors: [String: Tensor]
    /// Calibrated quantization of the int8 model's activation points, by point name; empty for FP32.
    public var activations: [String: QuantizationParameters]

    public init(precision: Precision, tensors: [String: Tensor],
                activations: [String: QuantizationParameters] = [:]) {
        self.precision = precision; self.tensors = tensors; self.activations = activations
    }
}
