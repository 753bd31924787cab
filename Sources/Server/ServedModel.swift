import Engine

/// One loaded weight file, ready to serve: its identity, its shapes and one `Model` per worker
/// (a `Model` runs one request at a time, so workers never share one). Immutable: a reload makes
/// a new value and swaps it in, and requests holding the old one finish on it.
public final class ServedModel: Sendable {
    public let name: String
    public let version: Int
    public let path: String
    public let architecture: Architecture
    public let precision: Precision
    /// Per-sample input shape, without the batch axis.
    public let inputShape: [Int]
    /// Per-sample output shape, without the batch axis.
    public let outputShape: [Int]
    public let metadata: [String: String]
    let instances: [Model]

    /// Floats in one input sample.
    public var inputCount: Int { inputShape.reduce(1, *) }
    /// Floats in one output sample.
    public var outputCount: Int { outputShape.reduce(1, *) }

    init(name: String, version: Int, path: String, architecture: Architecture, metadata: [String: String],
         instances: [Model]) {
        self.name = name
        self.version = version
        self.path = path
        self.architecture = architecture
        self.precision = instances[0].precision
        self.inputShape = instances[0].inputShape
        self.outputShape = instances[0].outputShape
        self.metadata = metadata
        self.instances = instances
    }

    /// The KServe input tensor name.
    public static let inputName = "input"
    /// The KServe output tensor name.
    public static let outputName = "probabilities"
}
