import Logging
import NIOCore
import NIOHTTP1

/// One connection's requests: gathers each request (enforcing the body limit and the request
/// timeout), routes it, and writes the answer. HTTP parsing is NIOHTTP1's; pipelined requests
/// reach this handler one at a time. Its outbound side only holds reads back (HTTPHandler+Backpressure).
final class HTTPHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    let server: InferenceServer
    let peer: PeerCredentials?
    private let busyPoll: BusyPollRegistration?
    /// An inline answer went out during the current read burst (busy polling follows it).
    var answeredInline = false
    var headerCache = InferHeaderCache()
    var answerCache = InferAnswerCache()
    /// The last inline request's input and output floats, reused by the next one of the same size.
    var inputStorage: [Float] = []
    var outputStorage: [Float] = []
    /// The last infer answer's buffer, cleared and written again by the next answer once NIO has
    /// let go of it (no allocation per answer); only small ones are kept.
    var answerBuffer: ByteBuffer?
    static let largestKeptAnswer = 64 * 1024
    /// A closed connection's body of this size or more has its pages handed back (`returnFreedMemory`).
    static let trimmedBodyBytes = 1 << 20
    /// The metrics recorder of the model this connection asked for last.
    var lastRecorder: ServerMetrics.ModelRecorder?
    private var head: HTTPRequestHead?
    private var body = ByteBuffer()
    /// The current request was answered before its end (an error): the rest of it is dropped.
    var discarding = false
    /// A request has begun arriving (some of its head is in) and its end has not. Counted in the
    /// server's requests in flight, so a drain waits for a request that was still arriving when
    /// SIGTERM came (and answers it).
    private var receiving = false {
        didSet {
            if receiving != oldValue { server.requestsInFlight.add(receiving ? 1 : -1, ordering: .relaxed) }
        }
    }
    private var answering = false
    private var requestTimer: Scheduled<Void>?
    /// Idle timeout state (HTTPHandler+Idle).
    var readingBurst = false
    var lastRead = NIODeadline.distantPast
    var idleCheck: Scheduled<Void>?
    /// Back-pressure state (HTTPHandler+Backpressure): the channel's writability, a read held back
    /// now, and whether one ever was.
    var writable = true
    var readHeld = false
    var heldBack = false

    init(server: InferenceServer, peer: PeerCredentials?, busyPoll: BusyPollRegistration? = nil) {
        self.server = server
        self.peer = peer
        self.busyPoll = busyPoll
    }

    func handlerAdded(context: ChannelHandlerContext) {
        busyPoll?.start()
        if context.channel.isActive { startIdleTimer(context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        busyPoll?.stop()
        stopIdleTimer()
        abandonRequest()
    }

    func channelActive(context: ChannelHandlerContext) {
        startIdleTimer(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        busyPoll?.stop()
        let largeBody = body.capacity >= Self.trimmedBodyBytes
        abandonRequest()
        returnFreedMemory(largeBody: largeBody)
        context.fireChannelInactive()
    }

    /// The connection is gone: an unfinished request's deadline goes, and its body with it (the
    /// deadline's task holds this handler, and so the body, until it fires).
    private func abandonRequest() {
        requestTimer?.cancel()
        requestTimer = nil
        body = ByteBuffer()
        receiving = false
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        readingBurst = true
        switch unwrapInboundIn(data) {
        case let .head(request):
            busyPoll?.requestArrived()
            head = request
            body = ByteBuffer()
            discarding = false
            receiving = true
            let limit = server.configuration.maxBodyBytes
            if let length = request.headers.first(name: "content-length").flatMap(Int.init), length > limit {
                discarding = true
                respond(context, error: .bodyTooLarge(limit: limit, found: length), close: true)
                return
            }
        case var .body(part):
            guard !discarding else { return }
            let limit = server.configuration.maxBodyBytes
            if body.readableBytes + part.readableBytes > limit {
                discarding = true
                respond(context, error: .bodyTooLarge(limit: limit, found: nil), close: true)
                return
            }
            if body.readableBytes == 0 {
                body = part
            } else {
                body.writeBuffer(&part)
            }
        case .end:
            receiving = false
            requestTimer?.cancel()
            requestTimer = nil
            guard !discarding, let head else { return }
            route(context, head)
        }
    }

    /// A request still incomplete after a read burst gets a deadline, and its `Expect: 100-continue`
    /// an answer; most requests arrive whole in one burst and never need either. A burst that gave
    /// no request part while none was open holds the first bytes of a head: the request has begun,
    /// so its deadline counts from here, and a drain waits for it like any other.
    func channelReadComplete(context: ChannelHandlerContext) {
        if !readingBurst, !receiving {
            head = nil
            receiving = true
        }
        noteReadBurstEnded()
        if receiving, !discarding, requestTimer == nil {
            if body.readableBytes == 0, let head { answerExpectation(context, head) }
            if !discarding {
                let seconds = server.configuration.requestTimeoutSeconds
                let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                requestTimer = context.eventLoop.scheduleTask(in: .seconds(Int64(seconds))) {
                    let (handler, context) = bound.value
                    guard handler.receiving, !handler.discarding else { return }
                    handler.discarding = true
                    handler.respond(context, error: .requestTimeout(seconds: seconds), close: true)
                }
            }
        }
        context.fireChannelReadComplete()
        if answeredInline {
            answeredInline = false
            if let busyPoll { server.metrics.recordBusyPoll(busyPoll.spin()) }
        }
    }

    /// No read for the idle timeout: an unfinished request gets a 408, a quiet connection is closed.
    func idleTimedOut(_ context: ChannelHandlerContext) {
        if answering { return }
        if receiving, !discarding {
            discarding = true
            respond(context, error: .requestTimeout(seconds: server.configuration.idleTimeoutSeconds), close: true)
        } else {
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        server.logger.debug("connection error", metadata: ["error": "\(error)"])
        guard let error = error as? HTTPParserError else {
            context.close(promise: nil)
            return
        }
        // Where NIO's HTTPServerProtocolErrorHandler answers an empty 400, and closes. It skips the
        // answer while a response is half written; this handler writes each response whole, so never here.
        let answer = ServerError.malformedHTTP(error)
        let body = KServeEncoding.error(answer.description, allocator: context.channel.allocator)
        write(context, head: Self.responseHead(version: .http1_1, status: answer.status, contentType: "application/json",
                                               contentLength: body.readableBytes, close: true),
              body: body, close: true)
    }

    // MARK: - Answering

    /// NIO's decoder parses nothing more on a connection after a request asking to switch protocols
    /// (`Upgrade`, `CONNECT`). inferd switches to none (RFC 9110 §7.8 lets a server ignore the ask),
    /// so it answers such a request and closes.
    private var keepAlive: Bool {
        guard let head, head.isKeepAlive, !server.draining.load(ordering: .relaxed) else { return false }
        return head.method != .CONNECT && !head.headers.contains(name: "upgrade")
    }

    func respond(_ context: ChannelHandlerContext, status: HTTPResponseStatus, contentType: String,
                 body: ByteBuffer, extraHeaders: [(String, String)] = [], close: Bool = false) {
        let close = close || !keepAlive
        write(context, head: Self.responseHead(version: head?.version ?? .http1_1, status: status, contentType: contentType,
                                               contentLength: body.readableBytes, extraHeaders: extraHeaders, close: close),
              body: body, close: close)
    }

    /// Every answer's head: content type and length, `extraHeaders`, then keep-alive or close.
    static func responseHead(version: HTTPVersion, status: HTTPResponseStatus, contentType: String, contentLength: Int,
                             extraHeaders: [(String, String)] = [], close: Bool) -> HTTPResponseHead {
        // One array handed to HTTPHeaders: its `add` checks every name byte by byte, and these
        // names are inferd's own constants.
        var fields: [(String, String)] = []
        fields.reserveCapacity(3 + extraHeaders.count)
        fields.append(("content-type", contentType))
        fields.append(("content-length", String(contentLength)))
        fields.append(contentsOf: extraHeaders)
        fields.append(("connection", close ? "close" : "keep-alive"))
        return HTTPResponseHead(version: version, status: status, headers: HTTPHeaders(fields))
    }

    private func write(_ handlerContext: ChannelHandlerContext, head: HTTPResponseHead, body: ByteBuffer, close: Bool) {
        let context = responseStart(handlerContext)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if body.readableBytes > 0, self.head?.method != .HEAD {
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        }
        if close {
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
        } else {
            // No promise: one would be allocated and completed for nobody (this write cost
            // ~10,300 instructions with one, ~7,400 without: callgrind).
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }

    /// Where a response enters the pipeline. NIO's HTTPServerPipelineHandler only lets a response
    /// follow a request head it has passed on, so the 408 for a head that never completed goes in
    /// past it (the connection closes after it, which leaves its state moot).
    private func responseStart(_ context: ChannelHandlerContext) -> ChannelHandlerContext {
        guard receiving, head == nil,
              let pipelining = try? context.pipeline.syncOperations.context(handlerType: HTTPServerPipelineHandler.self)
        else { return context }
        return pipelining
    }

    /// A 200 infer answer (binary when `headerLength` is given), its head from `answerCache`.
    func respondInfer(_ context: ChannelHandlerContext, body: ByteBuffer, headerLength: Int?) {
        let close = !keepAlive
        let head = answerCache.head(version: self.head?.version ?? .http1_1, bodyLength: body.readableBytes,
                                    headerLength: headerLength, close: close)
        write(context, head: head, body: body, close: close)
        if body.capacity <= Self.largestKeptAnswer { answerBuffer = body }
    }

    func respond(_ context: ChannelHandlerContext, error: ServerError, close: Bool = false) {
        var extra: [(String, String)] = []
        if error.status == .serviceUnavailable { extra.append(("retry-after", "1")) }
        if case let .methodNotAllowed(_, _, allowed) = error { extra.append(("allow", allowed.joined(separator: ", "))) }
        respond(context, status: error.status, contentType: "application/json",
                body: KServeEncoding.error(error.description, allocator: context.channel.allocator),
                extraHeaders: extra, close: close)
    }

    func respondJSON<T: Encodable>(_ context: ChannelHandlerContext, _ value: T, status: HTTPResponseStatus = .ok) {
        respond(context, status: status, contentType: "application/json",
                body: KServeEncoding.json(value, allocator: context.channel.allocator))
    }

    func respondEmpty(_ context: ChannelHandlerContext, status: HTTPResponseStatus) {
        respond(context, status: status, contentType: "text/plain", body: ByteBuffer())
    }

    var requestBody: ByteBuffer { body }
    var requestHead: HTTPRequestHead? { head }

    /// Marks a request handed to another thread; `finishAsync` ends it.
    func beginAsync() {
        answering = true
        server.requestsInFlight.add(1, ordering: .relaxed)
    }

    func finishAsync() {
        answering = false
        server.requestsInFlight.subtract(1, ordering: .relaxed)
    }
}
