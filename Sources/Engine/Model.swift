/// A model ready to run: the architecture compiled into steps, weights packed and every buffer
/// allocated for `maxBatch` samples at init. One run at a time per instance; make one per worker.
public final class Model: @unchecked Sendable {
    public let architecture: Architecture
    public let maxBatch: Int
    /// Threads one run uses: 1 runs on the caller's thread only; more splits the batch over
    /// worker threads created at init.
    public let threads: Int
    public let weights: WeightSet
    /// Per-sample input shape, e.g. `[1, 28, 28]`.
    public let inputShape: [Int]
    /// Per-sample output shape, e.g. `[10]`.
    public let outputShape: [Int]
    let inputCount: Int
    let outputCount: Int
    let lanes: [Lane]

    public var precision: Precision { weights.precision }

    public init(architecture: Architecture, weights: WeightSet, maxBatch: Int = 1, threads: Int = 1) throws(EngineError) {
        guard maxBatch >= 1 else { throw .batchOutOfRange(maximum: maxBatch, actual: maxBatch) }
        guard threads >= 1 else { throw .unsupported("thread count \(threads); it must be at least 1") }
        self.architecture = architecture
        self.maxBatch = maxBatch
        self.threads = threads
        self.weights = weights
        inputShape = architecture.inputShape
        outputShape = try architecture.outputShape()
        inputCount = inputShape.reduce(1, *)
        outputCount = outputShape.reduce(1, *)
        let packer = WeightPacker(weights: weights, rowCapacity: maxBatch * architecture.rowsPerSampleBound())
        lanes = [try Lane(architecture: architecture, packer: packer, capacity: maxBatch)]
    }

    /// Every activation point `run(input:batch:output:observe:)` reports, in execution order.
    public var activationPoints: [ActivationPoint] { lanes[0].points }

    /// Runs `batch` samples: `input.count` must be `batch × product(inputShape)`; writes
    /// `batch × product(outputShape)` floats to the front of `output`. Allocates nothing.
    public func run(input: UnsafeBufferPointer<Float>, batch: Int, output: UnsafeMutableBufferPointer<Float>) throws(EngineError) {
        try run(input: input, batch: batch, output: output, observe: { _, _ in })
    }

    /// Like `run(input:batch:output:)`, also handing every activation point to `observe` as it is
    /// computed (for tests, calibration and debugging).
    public func run(input: UnsafeBufferPointer<Float>, batch: Int, output: UnsafeMutableBufferPointer<Float>,
                    observe: ActivationObserver) throws(EngineError) {
        guard batch >= 1, batch <= maxBatch else { throw .batchOutOfRange(maximum: maxBatch, actual: batch) }
        guard input.count == batch * inputCount else {
            throw .elementCountMismatch(buffer: "input for batch \(batch) of \(inputShape)",
                                        expected: batch * inputCount, actual: input.count)
        }
        guard output.count >= batch * outputCount else {
            throw .elementCountMismatch(buffer: "output for batch \(batch) of \(outputShape)",
                                        expected: batch * outputCount, actual: output.count)
        }
        guard let x = input.baseAddress, let y = output.baseAddress else { return }
        lanes[0].run(x, y, batch: batch, observe: observe)
    }

    /// Convenience form that allocates its result.
    public func run(_ input: [Float], batch: Int = 1) throws(EngineError) -> [Float] {
        var result = [Float](repeating: 0, count: max(batch, 0) * outputCount)
        try input.withUnsafeBufferPointer { (x) throws(EngineError) in
            try result.withUnsafeMutableBufferPointer { (y) throws(EngineError) in
                try run(input: x, batch: batch, output: y)
            }
        }
        return result
    }
}
