import Engine

/// A worker's reusable buffers for gathering several requests into one batch. One per worker
/// thread; it grows to the largest batch seen and is then reused.
struct BatchScratch {
    private var input: [Float] = []
    private var output: [Float] = []

    /// Runs `jobs` (all for the same model) on this worker's instance and completes each one.
    mutating func run(_ jobs: [InferenceJob], worker: Int) {
        let served = jobs[0].model
        let model: Model
        do throws(EngineError) { model = try served.instance(for: worker) } catch {
            for job in jobs { job.completion(.failure(.inferenceFailed(error.description))) }
            return
        }
        if jobs.count == 1 {
            let job = jobs[0]
            job.completion(Self.run(model, input: job.input, batch: job.batch, outputCount: served.outputCount))
            return
        }
        let total = jobs.reduce(0) { $0 + $1.batch }
        input.removeAll(keepingCapacity: true)
        for job in jobs { input.append(contentsOf: job.input) }
        switch Self.run(model, input: input, batch: total, outputCount: served.outputCount) {
        case let .success(outputs):
            var offset = 0
            for job in jobs {
                let count = job.batch * served.outputCount
                job.completion(.success(Array(outputs[offset..<offset + count])))
                offset += count
            }
        case let .failure(error):
            for job in jobs { job.completion(.failure(error)) }
        }
    }

    /// Runs `batch` samples in chunks of at most the model's `maxBatch`.
    static func run(_ model: Model, input: [Float], batch: Int, outputCount: Int)
        -> Result<[Float], ServerError>
    {
        var output: [Float] = []
        if let failure = run(model, input: input, batch: batch, outputCount: outputCount, into: &output) {
            return .failure(failure)
        }
        return .success(output)
    }

    /// Runs `batch` samples in chunks of at most the model's `maxBatch` into `output`, whose
    /// storage is reused when it already has the right size and is not shared (an inline
    /// connection's answers: no allocation per request); nil when all went well.
    static func run(_ model: Model, input: [Float], batch: Int, outputCount: Int, into output: inout [Float])
        -> ServerError?
    {
        let inputCount = input.count / max(batch, 1)
        let total = batch * outputCount
        var failure: EngineError?
        if output.count != total { output = [Float](repeating: 0, count: total) }
        output.withUnsafeMutableBufferPointer { buffer in
            input.withUnsafeBufferPointer { all in
                var done = 0
                while done < batch {
                    let chunk = min(model.maxBatch, batch - done)
                    let source = UnsafeBufferPointer(rebasing: all[done * inputCount..<(done + chunk) * inputCount])
                    let target = UnsafeMutableBufferPointer(
                        rebasing: buffer[done * outputCount..<(done + chunk) * outputCount])
                    do throws(EngineError) {
                        try model.run(input: source, batch: chunk, output: target)
                    } catch {
                        failure = error
                        buffer.update(repeating: 0)
                        break
                    }
                    done += chunk
                }
            }
        }
        return failure.map { .inferenceFailed($0.description) }
    }
}
