/// A model as configuration: the per-sample input shape and the layer list.
/// The three reference models are three values of this type, not special code.
public struct Architecture: Codable, Equatable, Sendable {
    /// Per-sample input shape (no batch axis), e.g. `[1, 28, 28]` or `[28, 28]`.
    public var inputShape: [Int]
    public var layers: [Layer]

    public init(inputShape: [Int], layers: [Layer]) {
        self.inputShape = inputShape
        self.layers = layers
    }

    /// A named parameter tensor the architecture needs, with its exact shape.
    public struct Parameter: Equatable, Sendable {
        public var name: String
        public var shape: [Int]
        public var elementCount: Int { shape.reduce(1, *) }
    }

    /// The per-sample shape after each layer, validated; throws `invalidArchitecture` naming the layer.
    public func layerOutputShapes() throws(EngineError) -> [[Int]] {
        var shape = inputShape
        guard !shape.isEmpty, shape.allSatisfy({ $0 > 0 && $0 <= 1 << 24 }) else {
            throw .invalidArchitecture("input shape \(shape) must be non-empty with positive sizes")
        }
        var shapes: [[Int]] = []
        for layer in layers {
            shape = try layer.outputShape(input: shape)
            shapes.append(shape)
        }
        return shapes
    }

    /// Per-sample output shape of the whole model.
    public func outputShape() throws(EngineError) -> [Int] {
        try layerOutputShapes().last ?? inputShape
    }

    /// Every parameter tensor in execution order, named `<layer>.<role>`.
    public func parameters() throws(EngineError) -> [Parameter] {
        var shape = inputShape
        var result: [Parameter] = []
        for layer in layers {
            result += layer.parameters(input: shape)
            shape = try layer.outputShape(input: shape)
        }
        return result
    }
}
