import Engine
import Logging
import NIOCore
import NIOHTTP1

extension HTTPHandler {
    /// `POST /v2/models/{name}/infer`: validates on the event loop, then either runs the model right
    /// here (inline inference: this loop's own instance, no thread change) or queues it for a
    /// batching worker and answers on the event loop when the worker is done.
    func infer(_ context: ChannelHandlerContext, name: String, version: String?) {
        let start = monotonicNanoseconds()
        let requestID = RequestName(head: requestHead, sequence: server.nextRequestSequence())
        if server.draining.load(ordering: .relaxed) {
            finishInfer(context, model: name, requestID: requestID, start: start, result: .failure(.draining))
            return
        }
        let model: ServedModel
        switch resolve(name, version: version) {
        case let .success(found): model = found
        case let .failure(error):
            finishInfer(context, model: nil, requestID: requestID, start: start, result: .failure(error))
            return
        }
        let request: ValidatedInferRequest
        do {
            request = try KServeDecoding.decode(
                body: requestBody, headerLength: requestHead?.headers.first(name: "inference-header-content-length"),
                model: model, headerCache: &headerCache, inputStorage: &inputStorage)
        } catch {
            finishInfer(context, model: name, requestID: requestID, start: start, result: .failure(error))
            return
        }
        if server.inlineInference {
            inferInline(context, model: model, request: request, requestID: requestID, start: start)
            inputStorage = request.input
            return
        }
        beginAsync()
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let eventLoop = context.eventLoop
        let job = InferenceJob(model: model, input: request.input, batch: request.batch) { result in
            eventLoop.execute {
                let (handler, context) = bound.value
                handler.finishAsync()
                let answer = result.map { output in
                    KServeEncoding.inferResponse(model: model, id: request.id, batch: request.batch, output: output,
                                                 binary: request.binaryOutput, allocator: context.channel.allocator,
                                                 cache: &handler.answerCache, spare: &handler.answerBuffer)
                }
                handler.finishInfer(context, model: name, requestID: requestID, start: start, result: answer)
            }
        }
        do {
            try server.pool.submit(job)
        } catch {
            finishAsync()
            finishInfer(context, model: name, requestID: requestID, start: start, result: .failure(error))
        }
    }

    private func inferInline(_ context: ChannelHandlerContext, model: ServedModel, request: ValidatedInferRequest,
                             requestID: RequestName, start: UInt64) {
        let pending = server.inlinePending.add(1, ordering: .relaxed).newValue
        server.requestsInFlight.add(1, ordering: .relaxed)
        defer {
            server.inlinePending.subtract(1, ordering: .relaxed)
            server.requestsInFlight.subtract(1, ordering: .relaxed)
        }
        let result: Result<(body: ByteBuffer, headerLength: Int?), ServerError>
        if pending > server.configuration.queueDepth {
            result = .failure(.queueFull(depth: server.configuration.queueDepth))
        } else {
            do throws(EngineError) {
                let instance = try model.instance(for: server.workerIndex(of: context.eventLoop))
                var output: [Float] = []
                swap(&output, &outputStorage)
                if let failure = BatchScratch.run(instance, input: request.input, batch: request.batch,
                                                  outputCount: model.outputCount, into: &output) {
                    result = .failure(failure)
                } else {
                    result = .success(KServeEncoding.inferResponse(
                        model: model, id: request.id, batch: request.batch, output: output,
                        binary: request.binaryOutput, allocator: context.channel.allocator, cache: &answerCache,
                        spare: &answerBuffer))
                }
                outputStorage = output
            } catch {
                result = .failure(.inferenceFailed(error.description))
            }
        }
        finishInfer(context, model: model.name, requestID: requestID, start: start, result: result)
        answeredInline = true
    }

    /// Answers an infer request with `result` (closing the connection after it when `close`), logs
    /// a failure and records the request's metrics.
    func finishInfer(_ context: ChannelHandlerContext, model: String?, requestID: RequestName, start: UInt64,
                     result: Result<(body: ByteBuffer, headerLength: Int?), ServerError>, close: Bool = false) {
        let status: HTTPResponseStatus
        switch result {
        case let .success((body, headerLength)):
            status = .ok
            respondInfer(context, body: body, headerLength: headerLength)
        case let .failure(error):
            status = error.status
            respond(context, error: error, close: close)
            let level: Logger.Level = status.code >= 500 ? .warning : .info
            server.logger.log(level: level, "infer request failed", metadata: [
                "model": "\(model ?? "-")", "request_id": "\(requestID)", "status": "\(status.code)",
                "error": "\(error.description)"])
        }
        let elapsed = monotonicNanoseconds() - start
        server.metrics.recordRequest(recorder(for: model ?? "_unknown"), nanoseconds: elapsed, status: status.code)
        server.logger.debug("infer", metadata: [
            "model": "\(model ?? "-")", "request_id": "\(requestID)", "status": "\(status.code)",
            "latency_us": "\(elapsed / 1000)"])
    }
}

extension HTTPHandler {
    /// `model`'s metrics recorder: the one this connection used last when the name is the same.
    func recorder(for model: String) -> ServerMetrics.ModelRecorder {
        if let recorder = lastRecorder, recorder.model == model { return recorder }
        let recorder = server.metrics.recorder(for: model)
        lastRecorder = recorder
        return recorder
    }
}

/// Names a request in logs: the client's `X-Request-ID`, else the daemon's sequence number. Spelled
/// out only when something is logged (most answers log nothing at the default level).
struct RequestName: CustomStringConvertible {
    let head: HTTPRequestHead?
    let sequence: Int

    var description: String { head?.headers.first(name: "x-request-id") ?? String(sequence) }
}
