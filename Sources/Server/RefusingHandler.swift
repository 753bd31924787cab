import NIOCore
import NIOHTTP1

/// Answers every request on a connection that may not be served (over the connection cap, or a
/// peer outside the allowlist) with one error and closes it.
final class RefusingHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let error: ServerError

    init(_ error: ServerError) { self.error = error }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case let .head(request) = unwrapInboundIn(data) else { return }
        let body = KServeEncoding.error(error.description, allocator: context.channel.allocator)
        var headers = HTTPHeaders([("content-type", "application/json"), ("content-length", String(body.readableBytes)),
                                   ("connection", "close")])
        if error.status == .serviceUnavailable { headers.add(name: "retry-after", value: "1") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: error.status, headers: headers))),
                      promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }
}
