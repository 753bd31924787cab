import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import Server

/// One precomputed binary-path infer request.
struct BenchRequest: Sendable {
    let path: String
    let headerLength: Int
    let body: [UInt8]

    init(model: String, input: [Float], shape: [Int]) {
        let header = """
            {"inputs":[{"name":"\(ServedModel.inputName)","shape":[\(shape.map(String.init).joined(separator: ","))],\
            "datatype":"FP32","parameters":{"binary_data_size":\(input.count * 4)}}],\
            "outputs":[{"name":"\(ServedModel.outputName)","parameters":{"binary_data":true}}]}
            """
        var body = Array(header.utf8)
        input.withUnsafeBytes { body.append(contentsOf: $0) }
        self.path = "/v2/models/\(model)/infer"
        self.headerLength = header.utf8.count
        self.body = body
    }
}

/// What all connections measured.
struct BenchResults: Sendable {
    var latencies: [UInt64] = []
    var errors = 0
    var firstError: String?
}

/// Drives `clients` connections until `stopAt`, each sending its next request when the previous
/// answer arrived; latencies of requests started after `measureFrom` are kept.
struct BenchRun {
    let group: any EventLoopGroup
    let socketPath: String
    let request: BenchRequest
    let clients: Int
    let measureFrom: UInt64
    let stopAt: UInt64

    func run() throws -> BenchResults {
        let results = NIOLockedValueBox(BenchResults())
        var finished: [EventLoopFuture<Void>] = []
        for _ in 0..<clients {
            let done = group.next().makePromise(of: Void.self)
            let request = self.request, measureFrom = self.measureFrom, stopAt = self.stopAt
            _ = try ClientBootstrap(group: group)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        try channel.pipeline.syncOperations.addHandler(BenchConnection(
                            request: request, measureFrom: measureFrom, stopAt: stopAt, results: results, done: done))
                    }
                }
                .connect(unixDomainSocketPath: socketPath).wait()
            finished.append(done.futureResult)
        }
        for future in finished { try? future.wait() }
        return results.withLockedValue { $0 }
    }
}

private final class BenchConnection: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    let request: BenchRequest
    let measureFrom: UInt64
    let stopAt: UInt64
    let results: NIOLockedValueBox<BenchResults>
    let done: EventLoopPromise<Void>
    private var latencies: [UInt64] = []
    private var errors = 0
    private var firstError: String?
    private var sentAt: UInt64 = 0
    private var status: UInt = 0
    private var finished = false

    init(request: BenchRequest, measureFrom: UInt64, stopAt: UInt64, results: NIOLockedValueBox<BenchResults>,
         done: EventLoopPromise<Void>) {
        self.request = request; self.measureFrom = measureFrom; self.stopAt = stopAt
        self.results = results; self.done = done
        latencies.reserveCapacity(1 << 16)
    }

    func channelActive(context: ChannelHandlerContext) {
        send(context)
        context.fireChannelActive()
    }

    private func send(_ context: ChannelHandlerContext) {
        var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: request.path)
        head.headers.add(name: "host", value: "inferd")
        head.headers.add(name: "content-type", value: "application/octet-stream")
        head.headers.add(name: "content-length", value: String(request.body.count))
        head.headers.add(name: "inference-header-content-length", value: String(request.headerLength))
        var body = context.channel.allocator.buffer(capacity: request.body.count)
        body.writeBytes(request.body)
        sentAt = monotonicNanoseconds()
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case let .head(head): status = head.status.code
        case .body: break
        case .end:
            let now = monotonicNanoseconds()
            if sentAt >= measureFrom {
                if status == 200 { latencies.append(now - sentAt) } else {
                    errors += 1
                    if firstError == nil { firstError = "HTTP \(status)" }
                }
            }
            if now < stopAt { send(context) } else { finish(context) }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !finished {
            errors += 1
            if firstError == nil { firstError = "connection closed by inferd" }
            finish(context)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        errors += 1
        if firstError == nil { firstError = "\(error)" }
        finish(context)
    }

    private func finish(_ context: ChannelHandlerContext) {
        guard !finished else { return }
        finished = true
        let (latencies, errors, firstError) = (self.latencies, self.errors, self.firstError)
        results.withLockedValue { total in
            total.latencies += latencies
            total.errors += errors
            if total.firstError == nil { total.firstError = firstError }
        }
        context.close(promise: nil)
        done.succeed(())
    }
}
