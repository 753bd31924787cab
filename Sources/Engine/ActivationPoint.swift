/// A place in a model where an activation can be observed: a layer's output (named after the
/// layer) or an internal value of a layer (named `<layer>.<part>`, e.g. `block0.attn_probs`).
public struct ActivationPoint: Equatable, Sendable {
    public var name: String
    /// Per-sample logical shape, e.g. `[32, 26, 26]` for a conv output in C, H, W order.
    public var shape: [Int]
    /// `true` when a `[C, H, W]` value is stored channels-last, as `[H, W, C]`.
    public var channelsLast: Bool

    public init(name: String, shape: [Int], channelsLast: Bool = false) {
        self.name = name; self.shape = shape; self.channelsLast = channelsLast
    }

    public var elementCount: Int { shape.reduce(1, *) }
}

/// Receives each observed activation: the point and the values of the whole batch
/// (`batch × point.elementCount` floats, sample-major). Valid only during the call.
public typealias ActivationObserver = (ActivationPoint, UnsafeBufferPointer<Float>) -> Void
