/// Nonlinearity fused after a layer's affine part.
public enum Activation: String, Codable, Equatable, Sendable {
    case none, relu, sigmoid, tanh, gelu
}

/// One step of a model, with every hyperparameter the engine needs. Input sizes are not stored:
/// they follow from the model's input shape, so a configuration cannot contradict itself.
public enum Layer: Codable, Equatable, Sendable {
    /// Cross-correlation over `[C, H, W]`, weight `[out, C, kh, kw]`, bias `[out]`.
    case conv2d(Conv2D)
    /// Max pooling over `[C, H, W]` windows, floor mode.
    case maxPool2d(MaxPool2D)
    /// Reshapes any activation to one vector in C order (for `[C, H, W]`: index c·H·W + h·W + w).
    case flatten(name: String)
    /// `y = W x + b` over the last axis, weight `[out, in]`, bias `[out]`.
    case dense(Dense)
    /// LSTM over `[T, F]` with gates i, f, g, o; `W_ih [4H, F]`, `W_hh [4H, H]`, one bias `[4H]`.
    case lstm(LSTM)
    /// Non-overlapping P×P patches of `[C, H, W]` to tokens `[Hp·Wp, D]`, token t = py·Wp + px.
    case patchEmbedding(PatchEmbedding)
    /// Adds a learned `[T, D]` table, stored under the layer's own name.
    case positionEmbedding(name: String)
    /// Pre-norm transformer encoder block over `[T, D]`.
    case encoderBlock(EncoderBlock)
    /// LayerNorm over the last axis with biased variance; `gamma`, `beta` of `[D]`.
    case layerNorm(LayerNorm)
    /// Mean over tokens: `[T, D]` to `[D]`.
    case meanPool(name: String)
    /// Softmax over the last axis.
    case softmax(name: String)

    /// The layer's name, the prefix of its parameter names.
    public var name: String {
        switch self {
        case let .conv2d(l): l.name
        case let .maxPool2d(l): l.name
        case let .flatten(name): name
        case let .dense(l): l.name
        case let .lstm(l): l.name
        case let .patchEmbedding(l): l.name
        case let .positionEmbedding(name): name
        case let .encoderBlock(l): l.name
        case let .layerNorm(l): l.name
        case let .meanPool(name): name
        case let .softmax(name): name
        }
    }
}

public struct Conv2D: Codable, Equatable, Sendable {
    public var name: String
    public var outChannels: Int
    public var kernel: [Int]
    public var stride: [Int]
    public var padding: [Int]
    public var activation: Activation

    public init(name: String, outChannels: Int, kernel: [Int], stride: [Int] = [1, 1],
                padding: [Int] = [0, 0], activation: Activation = .none) {
        self.name = name; self.outChannels = outChannels; self.kernel = kernel
        self.stride = stride; self.padding = padding; self.activation = activation
    }
}

public struct MaxPool2D: Codable, Equatable, Sendable {
    public var name: String
    public var kernel: [Int]
    public var stride: [Int]

    public init(name: String, kernel: [Int], stride: [Int]) {
        self.name = name; self.kernel = kernel; self.stride = stride
    }
}

public struct Dense: Codable, Equatable, Sendable {
    public var name: String
    public var outFeatures: Int
    public var activation: Activation

    public init(name: String, outFeatures: Int, activation: Activation = .none) {
        self.name = name; self.outFeatures = outFeatures; self.activation = activation
    }
}

public struct LSTM: Codable, Equatable, Sendable {
    public var name: String
    public var hidden: Int
    /// `true` emits `[T, H]` (every step); `false` emits `[H]` (the last step).
    public var returnSequences: Bool

    public init(name: String, hidden: Int, returnSequences: Bool = false) {
        self.name = name; self.hidden = hidden; self.returnSequences = returnSequences
    }
}

public struct PatchEmbedding: Codable, Equatable, Sendable {
    public var name: String
    public var patch: Int
    public var dim: Int

    public init(name: String, patch: Int, dim: Int) {
        self.name = name; self.patch = patch; self.dim = dim
    }
}

public struct EncoderBlock: Codable, Equatable, Sendable {
    public var name: String
    public var heads: Int
    public var mlpHidden: Int
    public var eps: Float

    public init(name: String, heads: Int, mlpHidden: Int, eps: Float = 1e-5) {
        self.name = name; self.heads = heads; self.mlpHidden = mlpHidden; self.eps = eps
    }
}

public struct LayerNorm: Codable, Equatable, Sendable {
    public var name: String
    public var eps: Float

    public init(name: String, eps: Float = 1e-5) {
        self.name = name; self.eps = eps
    }
}
