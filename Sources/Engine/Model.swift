/// A model ready to run: the architecture compiled into steps, weights packed and every buffer
/// allocated for `maxBatch` samples at init. One run at a time per instance; make one per worker.
public final class Model: @unchecked Sendable {
    public let architecture: Architecture
    public let maxBatch: Int
    /// Threads one run uses: 1 runs on the caller's thread only; more splits the batch over
    /// worker threads created at init.
    public let threads: Int
    /// The weight file's precision: `.int8` runs the int8 path.
    public let precision: Precision
    /// Per-sample input shape, e.g. `[1, 28, 28]`.
    public let inputShape: [Int]
    /// Per-sample output shape, e.g. `[10]`.
    public let outputShape: [Int]
    let inputCount: Int
    let outputCount: Int
    let lanes: [Lane]
    private let pool: WorkerPool?
    /// The packed weights, shared with every sibling; the raw `WeightSet` is not kept.
    private let shared: SharedWeights

    public convenience init(architecture: Architecture, weights: WeightSet, maxBatch: Int = 1, threads: Int = 1) throws(EngineError) {
        let shared = SharedWeights(weights)
        try self.init(architecture: architecture, shared: shared, maxBatch: maxBatch, threads: threads)
        shared.releaseSource()
    }

    private init(architecture: Architecture, shared: SharedWeights, maxBatch: Int, threads: Int) throws(EngineError) {
        guard maxBatch >= 1 else { throw .batchOutOfRange(maximum: maxBatch, actual: maxBatch) }
        guard threads >= 1 else { throw .unsupported("thread count \(threads); it must be at least 1") }
        self.architecture = architecture
        self.maxBatch = maxBatch
        self.threads = threads
        self.shared = shared
        precision = shared.precision
        inputShape = architecture.inputShape
        outputShape = try architecture.outputShape()
        inputCount = inputShape.reduce(1, *)
        outputCount = outputShape.reduce(1, *)
        // Each thread gets its own lane (steps, buffers, int8 scratch sized for its share of the
        // batch); all lanes share the packed weights.
        let laneCount = min(threads, maxBatch)
        var lanes: [Lane] = []
        for index in 0..<laneCount {
            let capacity = index == 0 ? maxBatch : (maxBatch + laneCount - 1) / laneCount
            lanes.append(try Lane(architecture: architecture, packer: WeightPacker(shared: shared, samples: capacity),
                                  capacity: capacity))
        }
        self.lanes = lanes
        pool = laneCount > 1 ? WorkerPool(lanes: lanes) : nil
    }

    /// Another instance of this model for another thread: its own lanes, activation buffers and
    /// int8 scratch, sharing this one's packed weights (read-only), so the two run at the same time
    /// and compute the same bits. Costs the buffers only; no raw weights are kept for it.
    public func makeSibling() throws(EngineError) -> Model {
        try Model(architecture: architecture, shared: shared, maxBatch: maxBatch, threads: threads)
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
