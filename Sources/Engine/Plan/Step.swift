/// One executable piece of a compiled model: reads a batch from `x`, writes the batch to `y`.
/// A step owns its scratch buffers (sized for the model's maxBatch at init) and allocates nothing
/// when run. Internal values are reported to `observe` as they are computed.
protocol Step: AnyObject {
    /// The observable output, or nil for layout conversions the model inserts itself.
    var point: ActivationPoint? { get }
    /// Internal points this step reports, in order.
    var internalPoints: [ActivationPoint] { get }
    /// Floats per sample written to `y`.
    var outputCount: Int { get }
    func run(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, batch: Int, observe: ActivationObserver)
    /// `run` that may skip preparing its internal points for `observe` when `observing` is false.
    func run(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, batch: Int, observe: ActivationObserver,
             observing: Bool)
    /// Whether `runWithNextStep` can stand for this step and the next one when nothing observes.
    var fusesNextStep: Bool { get }
    /// This step and the next in one pass: reads this step's input, writes the next step's output.
    func runWithNextStep(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, batch: Int)
}

extension Step {
    var internalPoints: [ActivationPoint] { [] }
    var fusesNextStep: Bool { false }

    func runWithNextStep(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, batch: Int) {
        preconditionFailure("\(Self.self) fuses no next step")
    }

    func run(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, batch: Int, observe: ActivationObserver,
             observing: Bool) {
        run(x, y, batch: batch, observe: observe)
    }
}

/// Reports `values` (one batch) at `point`.
@inline(__always)
func report(_ observe: ActivationObserver, _ point: ActivationPoint, _ values: UnsafePointer<Float>, batch: Int) {
    observe(point, UnsafeBufferPointer(start: values, count: batch * point.elementCount))
}
