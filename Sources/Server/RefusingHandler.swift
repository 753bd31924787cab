import NIOCore
import NIOHTTP1

/// Answers the request on a connection that may not be served (over the connection cap, or a peer
/// outside the allowlist) with one error and closes it. A refused peer that sends nothing is closed
/// when `grace` runs out, so it never holds one of the capped connections (or a file descriptor)
/// for longer than that. The error is not written before the request arrives: HTTP clients treat an
/// unsolicited response as a protocol error (NIO's client does), and would lose the explanation.
final class RefusingHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// How long a refused peer has to send its request before the connection is closed.
    static let grace: TimeAmount = .seconds(1)

    private let error: ServerError
    private var deadline: Scheduled<Void>?
    private var answered = false

    init(_ error: ServerError) { self.error = error }

    func handlerAdded(context: ChannelHandlerContext) {
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: Self.grace) { channel.close(promise: nil) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !answered, case let .head(request) = unwrapInboundIn(data) else { return }
        answer(context, error, version: request.version)
    }

    /// Malformed HTTP gets its 400 with a JSON error, as on a served connection (HTTPHandler).
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if !answered, let error = error as? HTTPParserError {
            answer(context, .malformedHTTP(error), version: .http1_1)
        } else {
            context.close(promise: nil)
        }
    }

    /// Writes `error` as the only answer, then closes.
    private func answer(_ context: ChannelHandlerContext, _ error: ServerError, version: HTTPVersion) {
        answered = true
        let body = KServeEncoding.error(error.description, allocator: context.channel.allocator)
        var headers = HTTPHeaders([("content-type", "application/json"), ("content-length", String(body.readableBytes)),
                                   ("connection", "close")])
        if error.status == .serviceUnavailable { headers.add(name: "retry-after", value: "1") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: version, status: error.status, headers: headers))),
                      promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }
}
