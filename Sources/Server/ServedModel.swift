import Engine
import Synchronization

/// One loaded weight file, ready to serve: its identity, its shapes and one `Model` per worker
/// (a `Model` runs one request at a time, so workers never share one). Worker 0's instance is built
/// at load; the others, siblings of it sharing its packed weights, on their worker's first request
/// for this model, so idle memory holds one instance per model, not one per worker, and no raw
/// weights. A reload makes a new value and swaps it in, and requests holding the old one finish
/// on it.
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
    private let instances: Mutex<[Model?]>

    /// Floats in one input sample.
    public var inputCount: Int { inputShape.reduce(1, *) }
    /// Floats in one output sample.
    public var outputCount: Int { outputShape.reduce(1, *) }

    init(name: String, version: Int, path: String, architecture: Architecture, metadata: [String: String],
         first: Model, workers: Int) {
        self.name = name
        self.version = version
        self.path = path
        self.architecture = architecture
        self.precision = first.precision
        self.inputShape = first.inputShape
        self.outputShape = first.outputShape
        self.metadata = metadata
        self.instances = Mutex([first] + [Model?](repeating: nil, count: max(workers, 1) - 1))
    }

    /// Worker `worker`'s own instance, built on its first call as a sibling of worker 0's (which
    /// built and ran once, so this fails only when memory runs out).
    func instance(for worker: Int) throws(EngineError) -> Model {
        if let model = instances.withLock({ $0[worker] }) { return model }
        let model = try instances.withLock { $0[0]! }.makeSibling()
        instances.withLock { $0[worker] = model }
        return model
    }

    /// The KServe input tensor name.
    public static let inputName = "input"
    /// The KServe output tensor name.
    public static let outputName = "probabilities"
}
