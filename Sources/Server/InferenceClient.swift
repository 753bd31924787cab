#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// A blocking HTTP/1.1 client for inferd's Unix socket with one keep-alive connection, used by
/// `inferctl` and the tests. Not for concurrent use: make one per thread.
public final class InferenceClient {
    /// One complete HTTP response.
    public struct Response: Sendable {
        public var status: Int
        public var headers: [(String, String)]
        public var body: [UInt8]

        public func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }

        public var text: String { String(decoding: body, as: UTF8.self) }

        /// What the server says went wrong: the `error` member of a KServe error body, else the
        /// body's text without surrounding whitespace.
        public var errorMessage: String {
            let kserveError = body.withUnsafeBytes { raw -> String? in
                guard case let .string(message)? = (try? JSONValue.parse(raw))?["error"] else { return nil }
                return message
            }
            return kserveError ?? text.trimmingWhitespace
        }
    }

    public let socketPath: String
    /// How long a connect, and each request's whole response, may take; nil waits forever.
    public let timeout: TimeAmount?
    private let group: any EventLoopGroup
    private let ownsGroup: Bool
    private var channel: (any Channel)?
    private let collector = NIOLockedValueBox<EventLoopPromise<Response>?>(nil)

    /// A client for `socketPath`; pass a shared `group` when making many clients. With a
    /// `timeout`, a request without a whole answer by then fails with `InferenceClientError.timedOut`.
    public init(socketPath: String, group: (any EventLoopGroup)? = nil, timeout: TimeAmount? = nil) {
        self.socketPath = socketPath
        self.timeout = timeout
        self.group = group ?? MultiThreadedEventLoopGroup(numberOfThreads: 1)
        self.ownsGroup = group == nil
    }

    deinit {
        try? channel?.close().wait()
        if ownsGroup { try? group.syncShutdownGracefully() }
    }

    private func connect() throws -> any Channel {
        if let channel, channel.isActive { return channel }
        let collector = self.collector
        let channel: any Channel
        var bootstrap = ClientBootstrap(group: group)
        if let timeout { bootstrap = bootstrap.connectTimeout(timeout) }
        do {
            channel = try bootstrap
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(ResponseCollector(collector: collector))
                }
            }
            .connect(unixDomainSocketPath: socketPath).wait()
        } catch let error as IOError {
            // NIO's own text names its syscall wrapper; the reason alone is what a user can act on.
            throw InferenceClientError.unreachable(socketPath, String(cString: strerror(error.errnoCode)))
        } catch ChannelError.connectTimeout(_) {
            throw InferenceClientError.timedOut(socketPath, after: timeout ?? .zero)
        } catch {
            throw InferenceClientError.unreachable(socketPath, "\(error)")
        }
        self.channel = channel
        return channel
    }

    /// Sends one request and waits for the whole response; reconnects when the server closed.
    /// Past the timeout the connection is closed, so a later request starts on a fresh one.
    public func send(method: HTTPMethod, path: String, headers: [(String, String)] = [], body: [UInt8] = [])
        throws -> Response
    {
        let channel = try connect()
        let promise = channel.eventLoop.makePromise(of: Response.self)
        collector.withLockedValue { $0 = promise }
        if let timeout {
            let (collector, socketPath) = (collector, socketPath)
            let expiry = channel.eventLoop.scheduleTask(in: timeout) {
                let pending = collector.withLockedValue { pending in
                    defer { pending = nil }
                    return pending
                }
                pending?.fail(InferenceClientError.timedOut(socketPath, after: timeout))
                channel.close(promise: nil)
            }
            promise.futureResult.whenComplete { _ in expiry.cancel() }
        }
        var head = HTTPRequestHead(version: .http1_1, method: method, uri: path)
        head.headers.add(name: "host", value: "inferd")
        head.headers.add(name: "content-length", value: String(body.count))
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        var buffer = channel.allocator.buffer(capacity: body.count)
        buffer.writeBytes(body)
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        if !body.isEmpty { channel.write(HTTPClientRequestPart.body(.byteBuffer(buffer)), promise: nil) }
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        let response = try promise.futureResult.wait()
        if response.header("connection")?.lowercased() == "close" {
            try? channel.close().wait()
            self.channel = nil
        }
        return response
    }

    public func get(_ path: String) throws -> Response { try send(method: .GET, path: path) }

    public func post(_ path: String, json: String = "") throws -> Response {
        try send(method: .POST, path: path, headers: [("content-type", "application/json")], body: Array(json.utf8))
    }

    /// Runs `batch` samples through `model` with the binary tensor extension; returns the outputs,
    /// or throws `InferenceClientError.status` with the server's message.
    public func infer(model: String, input: [Float], shape: [Int]) throws -> [Float] {
        let header = """
            {"inputs":[{"name":"\(ServedModel.inputName)","shape":[\(shape.map(String.init).joined(separator: ","))],\
            "datatype":"FP32","parameters":{"binary_data_size":\(input.count * 4)}}],\
            "outputs":[{"name":"\(ServedModel.outputName)","parameters":{"binary_data":true}}]}
            """
        var body = Array(header.utf8)
        input.withUnsafeBytes { body.append(contentsOf: $0) }
        let response = try send(method: .POST, path: "/v2/models/\(model)/infer",
                                headers: [("inference-header-content-length", String(header.utf8.count)),
                                          ("content-type", "application/octet-stream")], body: body)
        guard response.status == 200 else { throw InferenceClientError.status(response.status, response.errorMessage) }
        guard let length = response.header("inference-header-content-length").flatMap(Int.init),
              length <= response.body.count, (response.body.count - length) % 4 == 0 else {
            throw InferenceClientError.malformed("response lacks a valid Inference-Header-Content-Length")
        }
        let floats = (response.body.count - length) / 4
        return [Float](unsafeUninitializedCapacity: floats) { buffer, initialized in
            response.body.withUnsafeBytes { raw in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[length...]))
            }
            initialized = floats
        }
    }
}

/// Gathers one response's parts and completes the pending promise.
extension InferenceClient {
    /// The largest answer body accepted (inferd's largest, a batch of 4096 JSON scores, is a few MB):
    /// a server that streams without end is cut off here instead of filling the client's memory.
    public static let largestAnswer = 64 << 20
}

private final class ResponseCollector: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    private let collector: NIOLockedValueBox<EventLoopPromise<InferenceClient.Response>?>
    private var response = InferenceClient.Response(status: 0, headers: [], body: [])

    init(collector: NIOLockedValueBox<EventLoopPromise<InferenceClient.Response>?>) {
        self.collector = collector
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case let .head(head):
            response = .init(status: Int(head.status.code), headers: head.headers.map { ($0.name, $0.value) }, body: [])
        case var .body(buffer):
            guard response.body.count + buffer.readableBytes <= InferenceClient.largestAnswer else {
                let promise = collector.withLockedValue { promise in
                    defer { promise = nil }
                    return promise
                }
                promise?.fail(InferenceClientError.answerTooLarge(limit: InferenceClient.largestAnswer))
                context.close(promise: nil)
                return
            }
            response.body += buffer.readBytes(length: buffer.readableBytes) ?? []
        case .end:
            let promise = collector.withLockedValue { promise in
                defer { promise = nil }
                return promise
            }
            promise?.succeed(response)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        let promise = collector.withLockedValue { promise in
            defer { promise = nil }
            return promise
        }
        promise?.fail(ChannelError.ioOnClosedChannel)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

extension String {
    /// Without leading and trailing spaces, tabs and line breaks.
    fileprivate var trimmingWhitespace: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
