import Engine

/// One layer of a training network. It owns its output and input-gradient buffers, sized for a
/// sub-batch of `capacity` samples, and reads/writes its own slice of the flat parameter and
/// gradient vectors (so several workers can share one parameter vector with private gradients).
protocol TrainingLayer: AnyObject {
    /// Floats per sample in and out.
    var inputCount: Int { get }
    var outputCount: Int { get }
    var parameterCount: Int { get }
    var output: UnsafeMutablePointer<Float> { get }
    var inputGradient: UnsafeMutablePointer<Float> { get }

    func forward(_ x: UnsafePointer<Float>, batch: Int, parameters: UnsafePointer<Float>)
    /// Adds the parameter gradients into `gradients`; writes `inputGradient` if asked. May modify `dy`.
    func backward(_ x: UnsafePointer<Float>, outputGradient dy: UnsafeMutablePointer<Float>, batch: Int,
                  parameters: UnsafePointer<Float>, gradients: UnsafeMutablePointer<Float>, needsInputGradient: Bool)

    /// Seeded initial values for this layer's parameter slice.
    func initialize(_ parameters: UnsafeMutablePointer<Float>, random: inout SeededRandom)
    /// The slice as engine tensors (engine names and layouts).
    func export(_ parameters: UnsafePointer<Float>) -> [String: Tensor]
    /// The inverse of `export`.
    func load(_ tensors: [String: Tensor], into parameters: UnsafeMutablePointer<Float>) throws(TrainingError)
}

/// Glorot-uniform fill, as Keras initialises dense and convolution kernels.
func fillGlorot(_ p: UnsafeMutablePointer<Float>, count: Int, fanIn: Int, fanOut: Int, random: inout SeededRandom) {
    let limit = (6 / Float(fanIn + fanOut)).squareRoot()
    for i in 0..<count { p[i] = random.uniform(-limit, limit) }
}

/// The FP32 values of tensor `name`, checked against the expected shape.
func floats(_ tensors: [String: Tensor], _ name: String, shape: [Int]) throws(TrainingError) -> [Float] {
    guard let tensor = tensors[name] else { throw .weights("tensor \(name) is missing") }
    guard tensor.shape == shape else { throw .weights("tensor \(name) has shape \(tensor.shape), expected \(shape)") }
    guard case let .float32(values) = tensor.elements else { throw .weights("tensor \(name) is not float32") }
    return values
}

/// Applies `activation` in place over `count` floats.
func applyActivation(_ activation: Activation, _ p: UnsafeMutablePointer<Float>, count: Int) {
    switch activation {
    case .none: break
    case .relu: for i in 0..<count where p[i] < 0 { p[i] = 0 }
    default: preconditionFailure("activation \(activation) is applied by its own layer")
    }
}

/// Multiplies `dy` by the activation's derivative, given the activation's output `y`.
func activationBackward(_ activation: Activation, y: UnsafePointer<Float>, dy: UnsafeMutablePointer<Float>, count: Int) {
    switch activation {
    case .none: break
    case .relu: for i in 0..<count where y[i] <= 0 { dy[i] = 0 }
    default: preconditionFailure("activation \(activation) is applied by its own layer")
    }
}
