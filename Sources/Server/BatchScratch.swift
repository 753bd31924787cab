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
        switch Self.run(model, input: input, batch: total, outputCount: served.outputCount, checkingOutputs: false) {
        case let .success(outputs):
            var offset = 0
            for job in jobs {
                let count = job.batch * served.outputCount
                let answer = Array(outputs[offset..<offset + count])
                if let failure = Self.nonFiniteOutput(answer, outputCount: served.outputCount) {
                    job.completion(.failure(failure))
                } else {
                    job.completion(.success(answer))
                }
                offset += count
            }
        case let .failure(error):
            for job in jobs { job.completion(.failure(error)) }
        }
    }

    /// Runs `batch` samples in chunks of at most the model's `maxBatch`.
    static func run(_ model: Model, input: [Float], batch: Int, outputCount: Int, checkingOutputs: Bool = true)
        -> Result<[Float], ServerError>
    {
        var output: [Float] = []
        if let failure = run(model, input: input, batch: batch, outputCount: outputCount, into: &output,
                             checkingOutputs: checkingOutputs) {
            return .failure(failure)
        }
        return .success(output)
    }

    /// Runs `batch` samples in chunks of at most the model's `maxBatch` into `output`, whose
    /// storage is reused when it already has the right size and is not shared (an inline
    /// connection's answers: no allocation per request); nil when all went well. With
    /// `checkingOutputs`, a NaN or ±Inf in the output is an error (`nonFiniteOutput`).
    static func run(_ model: Model, input: [Float], batch: Int, outputCount: Int, into output: inout [Float],
                    checkingOutputs: Bool = true) -> ServerError?
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
        if let failure { return .inferenceFailed(failure.description) }
        return checkingOutputs ? nonFiniteOutput(output, outputCount: outputCount) : nil
    }

    /// A 400 naming the first NaN or ±Inf in `output`, if any. Inputs are refused when not finite,
    /// so one here means finite inputs so large that the model's arithmetic overflowed (e.g.
    /// pixels of 3e38): an error says so, where JSON has no number to put (it would need `null`).
    static func nonFiniteOutput(_ output: [Float], outputCount: Int) -> ServerError? {
        guard let index = output.firstIndex(where: { !$0.isFinite }) else { return nil }
        return .badRequest("output \(output[index]) at flat index \(index) (sample \(index / max(outputCount, 1))): "
                           + "the input's values are too large for the model's arithmetic")
    }
}
