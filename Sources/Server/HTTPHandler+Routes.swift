#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials
import Logging
import NIOCore
import NIOHTTP1

extension HTTPHandler {
    /// Dispatches one complete request by method and path.
    func route(_ context: ChannelHandlerContext, _ head: HTTPRequestHead) {
        // The request every client repeats, recognised without splitting the path into strings
        // (the general match below costs ~25,000 instructions per request: callgrind).
        if head.method == .POST, let name = Self.inferModelName(head.uri) {
            infer(context, name: name, version: nil)
            return
        }
        let (path, query) = Self.split(head.uri)
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).map(Self.percentDecoded)
        // HEAD is GET without the body (`write` leaves it out).
        let method = head.method == .HEAD ? .GET : head.method
        if parts.count >= 3, parts[0] == "v2", parts[1] == "models" {
            routeModel(context, head, method, name: parts[2], rest: Array(parts[3...]), path: path)
            return
        }
        switch (method, parts) {
        case (.GET, ["v2"]):
            respondJSON(context, KServeServerMetadata())
        case (.GET, ["v2", "health", "live"]):
            respondEmpty(context, status: .ok)
        case (.GET, ["v2", "health", "ready"]):
            let ready = server.ready.load(ordering: .acquiring) && !server.draining.load(ordering: .relaxed)
            respondEmpty(context, status: ready ? .ok : .serviceUnavailable)
        case (.POST, ["v2", "repository", "index"]), (.GET, ["v2", "repository", "index"]):
            repositoryIndex(context)
        case (.POST, ["v2", "repository", "reload"]):
            reload(context)
        case (.GET, ["metrics"]):
            var buffer = context.channel.allocator.buffer(capacity: 4096)
            buffer.writeBytes(server.metrics.exposition())
            respond(context, status: .ok, contentType: "text/plain; version=0.0.4", body: buffer)
        case (.POST, ["v2", "debug", "stall-worker"]) where server.configuration.testHooks:
            stallWorker(context, query: query)
        default:
            let allowed: [HTTPMethod]? = switch parts {
            case ["v2"], ["v2", "health", "live"], ["v2", "health", "ready"], ["metrics"]: [.GET]
            case ["v2", "repository", "index"]: [.GET, .POST]
            case ["v2", "repository", "reload"]: [.POST]
            case ["v2", "debug", "stall-worker"] where server.configuration.testHooks: [.POST]
            default: nil
            }
            respondUnrouted(context, head, path: path, allowed: allowed)
        }
    }

    /// `/v2/models/{name}[/versions/{version}]` followed by nothing, `ready` or `infer`.
    private func routeModel(_ context: ChannelHandlerContext, _ head: HTTPRequestHead, _ method: HTTPMethod, name: String,
                            rest: [String], path: String) {
        var rest = rest
        var version: String?
        if rest.count >= 2, rest[0] == "versions" {
            version = rest[1]
            rest.removeFirst(2)
        }
        switch (method, rest) {
        case (.GET, []): modelMetadata(context, name: name, version: version)
        case (.GET, ["ready"]): modelReady(context, name: name, version: version)
        case (.POST, ["infer"]): infer(context, name: name, version: version)
        default:
            let allowed: [HTTPMethod]? = switch rest {
            case [], ["ready"]: [.GET]
            case ["infer"]: [.POST]
            default: nil
            }
            respondUnrouted(context, head, path: path, allowed: allowed)
        }
    }

    /// 404 for a path no endpoint has; 405 naming the methods it takes (and `Allow:`) for one that
    /// exists. GET paths take HEAD too.
    private func respondUnrouted(_ context: ChannelHandlerContext, _ head: HTTPRequestHead, path: String,
                                 allowed: [HTTPMethod]?) {
        guard let allowed else { return respond(context, error: .noRoute(method: head.method.rawValue, path: path)) }
        let names = allowed.flatMap { $0 == .GET ? ["GET", "HEAD"] : [$0.rawValue] }
        respond(context, error: .methodNotAllowed(method: head.method.rawValue, path: path, allowed: names))
    }

    /// `name` when `uri` is exactly `/v2/models/{name}/infer` (no version, query or extra slashes);
    /// every other form goes through the general match, which answers it the same way.
    static func inferModelName(_ uri: String) -> String? {
        // Over the contiguous bytes: the generic `starts(with:)`/`suffix` over `String.UTF8View`
        // cost ~2,800 instructions per request (callgrind).
        var uri = uri
        return uri.withUTF8 { bytes -> String? in
            let prefix: StaticString = "/v2/models/", suffix: StaticString = "/infer"
            let count = bytes.count, head = prefix.utf8CodeUnitCount, tail = suffix.utf8CodeUnitCount
            guard count > head + tail, let base = bytes.baseAddress,
                  memcmp(base, prefix.utf8Start, head) == 0,
                  memcmp(base + count - tail, suffix.utf8Start, tail) == 0 else { return nil }
            let name = UnsafeBufferPointer(rebasing: bytes[head..<count - tail])
            guard !name.contains(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "%") })
            else { return nil }
            return String(decoding: name, as: UTF8.self)
        }
    }

    /// A path segment with its `%XX` escapes decoded (RFC 3986), as clients that escape model names
    /// send them; a malformed escape is kept as it is.
    static func percentDecoded(_ segment: Substring) -> String {
        guard segment.utf8.contains(UInt8(ascii: "%")) else { return String(segment) }
        var bytes: [UInt8] = []
        var rest = segment.utf8[...]
        while let byte = rest.popFirst() {
            if byte == UInt8(ascii: "%"), rest.count >= 2,
               let high = hexValue(rest[rest.startIndex]), let low = hexValue(rest[rest.index(after: rest.startIndex)]) {
                bytes.append(high << 4 | low)
                rest = rest.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    static func split(_ uri: String) -> (path: String, query: [String: String]) {
        guard let mark = uri.utf8.firstIndex(of: UInt8(ascii: "?")) else { return (uri, [:]) }
        var query: [String: String] = [:]
        for pair in uri[uri.index(after: mark)...].split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
            query[kv[0]] = kv.count > 1 ? kv[1] : ""
        }
        return (String(uri[..<mark]), query)
    }

    /// The served model named `name` (and of `version`, when given), or the error to answer with.
    func resolve(_ name: String, version: String?) -> Result<ServedModel, ServerError> {
        switch server.repository.lookup(name) {
        case let .ready(model):
            if let version, version != String(model.version) {
                return .failure(.versionNotServed(name: name, version: version, served: model.version))
            }
            return .success(model)
        case let .unavailable(reason):
            return .failure(.modelUnavailable(name: name, reason: reason))
        case .unknown:
            return .failure(.unknownModel(name))
        }
    }

    private func modelMetadata(_ context: ChannelHandlerContext, name: String, version: String?) {
        switch resolve(name, version: version) {
        case let .success(model):
            let entry = server.repository.index.first { $0.file == model.path }
            respondJSON(context, KServeModelMetadata(model: model, entry: entry))
        case let .failure(error):
            respond(context, error: error)
        }
    }

    private func modelReady(_ context: ChannelHandlerContext, name: String, version: String?) {
        switch resolve(name, version: version) {
        case .success: respondEmpty(context, status: .ok)
        case let .failure(error): respond(context, error: error)
        }
    }

    private struct IndexRequest: Decodable { var ready: Bool? }

    private func repositoryIndex(_ context: ChannelHandlerContext) {
        var entries = server.repository.index
        if requestBody.readableBytes > 0 {
            let data = Data(requestBody.readableBytesView)
            guard let request = try? JSONDecoder().decode(IndexRequest.self, from: data) else {
                respond(context, error: .badRequest("repository index body must be a JSON object like {\"ready\": true}"))
                return
            }
            if request.ready == true { entries = entries.filter { $0.state == "READY" } }
        }
        respondJSON(context, entries)
    }

    private func reload(_ context: ChannelHandlerContext) {
        beginAsync()
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        server.reload(on: context.eventLoop).whenComplete { result in
            let (handler, context) = bound.value
            handler.finishAsync()
            switch result {
            case let .success(entries): handler.respondJSON(context, entries)
            case let .failure(error as ServerError): handler.respond(context, error: error)
            case let .failure(error): handler.respond(context, error: .inferenceFailed("reload: \(error)"))
            }
        }
    }

    private func stallWorker(_ context: ChannelHandlerContext, query: [String: String]) {
        guard let peer, peer.uid == 0 else {
            respond(context, error: .forbidden("the stall hook is accepted only from uid 0"))
            return
        }
        let worker = query["worker"].flatMap(Int.init) ?? 0
        let seconds = query["seconds"].flatMap(Int.init) ?? 3600
        guard (0..<server.workerCount).contains(worker), seconds > 0 else {
            respond(context, error: .badRequest("worker must be 0..<\(server.workerCount) and seconds > 0"))
            return
        }
        server.stallWorker(worker, seconds: seconds)
        respondJSON(context, ["stalled_worker": worker, "seconds": seconds])
    }
}
