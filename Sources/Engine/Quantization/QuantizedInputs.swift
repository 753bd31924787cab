/// The activation points of an int8 model, defined here and nowhere else.
///
/// `WeightSet.activations[w]` is the calibrated uint8 quantization of the values weight matrix
/// `w` multiplies — its input. The keys are the weight parameter names:
/// - `<layer>.weight` of a Conv2D, patch embedding or Dense layer: the layer's input;
/// - `<lstm>.W_ih`: the input sequence; `<lstm>.W_hh`: the hidden state h of every step;
/// - `<block>.q.weight`, `<block>.k.weight`, `<block>.v.weight`: the output of `ln_a`;
///   `<block>.o.weight`: the attention context (heads concatenated); `<block>.mlp1.weight`: the
///   output of `ln_b`; `<block>.mlp2.weight`: the GELU output.
/// Exactly these matrices are stored as int8; every other tensor stays FP32.
public struct QuantizedInput: Equatable, Sendable {
    /// The weight parameter, also the key in `WeightSet.activations`.
    public var weight: String
    /// The FP32 model's `ActivationPoint` name where the input is observed during calibration,
    /// or `QuantizedInput.modelInput` for the model's own input.
    public var source: String

    /// `source` of a matrix applied directly to the model input.
    public static let modelInput = "input"
}

extension Architecture {
    /// Every int8 matrix with the point its input is calibrated at, in execution order.
    public func quantizedInputs() throws(EngineError) -> [QuantizedInput] {
        _ = try layerOutputShapes()
        var result: [QuantizedInput] = []
        var previous = QuantizedInput.modelInput
        for layer in layers {
            let n = layer.name
            switch layer {
            case .conv2d, .patchEmbedding, .dense:
                result.append(.init(weight: "\(n).weight", source: previous))
            case let .lstm(lstm):
                result.append(.init(weight: "\(n).W_ih", source: previous))
                result.append(.init(weight: "\(n).W_hh", source: lstm.returnSequences ? n : "\(n).h_all"))
            case .encoderBlock:
                for part in ["q", "k", "v"] { result.append(.init(weight: "\(n).\(part).weight", source: "\(n).ln_a")) }
                result.append(.init(weight: "\(n).o.weight", source: "\(n).ctx"))
                result.append(.init(weight: "\(n).mlp1.weight", source: "\(n).ln_b"))
                result.append(.init(weight: "\(n).mlp2.weight", source: "\(n).mlp_hidden"))
            case .maxPool2d, .flatten, .positionEmbedding, .layerNorm, .meanPool, .softmax:
                break
            }
            previous = n
        }
        return result
    }
}
