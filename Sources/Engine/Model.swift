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
    private let pool: WorkerPool?

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
        // Each thread gets its own lane (steps and buffers). FP32 lanes share the packed weights;
        // int8 matrices carry their own scratch, so each int8 lane packs its own.
        let laneCount = min(threads, maxBatch)
        let shared = WeightPacker(weights: weights, samples: maxBatch)
        var lanes: [Lane] = []
        for index in 0..<laneCount {
            let capacity = index == 0 ? maxBatch : (maxBatch + laneCount - 1) / laneCount
            let packer = weights.precision == .fp32 || index == 0 ? shared : WeightPacker(weights: weights, samples: maxBatch)
            lanes.append(try Lane(architecture: architecture, packer: packer, capacity: capacity))
        }
        self.lanes = lanes
        pool = laneCount > 1 ? WorkerPool(lanes: lanes) : nil
    }

    deinit { pool?.shutDown() }

    /// Every activation point `run(input:batch:output:observe:)` reports, in execution order.
    public var activationPoints: [ActivationPoint] { lanes[0].points }

    /// Runs `batch` samples: `input.count` must be `batch × product(inputShape)`; writes
    /// `batch × product(outputShape)` floats to the front of `output`. Allocates nothing.
    public func run(input: UnsafeBufferPointer<Float>, batch: Int, output: UnsafeMutableBufferPointer<Float>) throws(EngineError) {
        try validate(input: input, batch: batch, output: output)
        guard let x = input.baseAddress, let y = output.baseAddress else { return }
        if let pool, batch > 1 {
            pool.run(x, y, batch: batch, inputCount: inputCount, outputCount: outputCount)
        } else {
            lanes[0].run(x, y, batch: batch, observe: { _, _ in }, observing: false)
        }
    }

    /// Like `run(input:batch:output:)`, also handing every activation point to `observe` as it is
    /// computed (for tests, calibration and debugging). Runs on the calling thread only.
    public func run(input: UnsafeBufferPointer<Float>, batch: Int, output: UnsafeMutableBufferPointer<Float>,
                    observe: ActivationObserver) throws(EngineError) {
        try validate(input: input, batch: batch, output: output)
        guard let x = input.baseAddress, let y = output.baseAddress else { return }
        lanes[0].run(x, y, batch: batch, observe: observe)
    }

    private func validate(input: UnsafeBufferPointer<Float>, batch: Int, output: UnsafeMutableBufferPointer<Float>) throws(EngineError) {
        guard batch >= 1, batch <= maxBatch else { throw .batchOutOfRange(maximum: maxBatch, actual: batch) }
        guard input.count == batch * inputCount else {
            throw .elementCountMismatch(buffer: "input for batch \(batch) of \(inputShape)",
                                        expected: batch * inputCount, actual: input.count)
        }
        guard output.count >= batch * outputCount else {
            throw .elementCountMismatch(buffer: "output for batch \(batch) of \(outputShape)",
                                        expected: batch * outputCount, actual: output.count)
        }
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
