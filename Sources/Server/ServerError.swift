import NIOHTTP1

/// Everything that can go wrong while serving, each rendering as one readable line. The HTTP status
/// of each case is decided here and nowhere else.
public enum ServerError: Error, Equatable, CustomStringConvertible {
    /// A configuration value or file is not acceptable.
    case invalidConfiguration(String)
    /// The request is malformed; the text names what was expected and what was found.
    case badRequest(String)
    /// No model of that name is served.
    case unknownModel(String)
    /// The model is served, but in another version.
    case versionNotServed(name: String, version: String, served: Int)
    /// The model exists in the directory but could not be loaded.
    case modelUnavailable(name: String, reason: String)
    /// No route for this method and path.
    case noRoute(method: String, path: String)
    /// The path exists but does not take this method; `allowed` are the ones it takes.
    case methodNotAllowed(method: String, path: String, allowed: [String])
    /// The body is larger than the configured limit.
    case bodyTooLarge(limit: Int, found: Int?)
    /// The request queue is full.
    case queueFull(depth: Int)
    /// The connection cap is reached.
    case connectionLimit(Int)
    /// The daemon is shutting down and accepts no new work.
    case draining
    /// The peer may not do this.
    case forbidden(String)
    /// The client took too long to send its request.
    case requestTimeout(seconds: Int)
    /// The engine failed on a request that had passed validation.
    case inferenceFailed(String)
    /// The socket could not be set up.
    case socket(String)

    /// The message, at most `longestMessage` characters, its control characters escaped: it is
    /// answered to the client and logged, and parts of it (names, datatypes, shapes) are the
    /// client's own text, which must neither flood the log nor forge lines in it.
    public var description: String {
        var shown = ""
        var count = 0
        for scalar in message.unicodeScalars {
            if count == Self.longestMessage {
                shown += "… (\(message.unicodeScalars.count - count) more characters)"
                break
            }
            if scalar.value < 0x20 || scalar.value == 0x7F {
                shown += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                shown.unicodeScalars.append(scalar)
            }
            count += 1
        }
        return shown
    }

    static let longestMessage = 1_000

    private var message: String {
        switch self {
        case let .invalidConfiguration(why): "invalid configuration: \(why)"
        case let .badRequest(why): why
        case let .unknownModel(name): "unknown model '\(name)'"
        case let .versionNotServed(name, version, served):
            "model '\(name)' version '\(version)' is not served; version \(served) is (the repository index says why others are not)"
        case let .modelUnavailable(name, reason): "model '\(name)' is not available: \(reason)"
        case let .noRoute(method, path): "no endpoint \(method) \(path)"
        case let .methodNotAllowed(method, path, allowed):
            "\(path) does not take \(method); it takes \(allowed.joined(separator: ", "))"
        case let .bodyTooLarge(limit, found?): "request body of \(found) bytes exceeds the limit of \(limit) bytes"
        case let .bodyTooLarge(limit, nil): "request body exceeds the limit of \(limit) bytes"
        case let .queueFull(depth): "request queue is full (\(depth) waiting); retry later"
        case let .connectionLimit(limit): "connection limit of \(limit) reached; retry later"
        case .draining: "inferd is shutting down"
        case let .forbidden(why): why
        case let .requestTimeout(seconds): "request not received completely within \(seconds) s"
        case let .inferenceFailed(why): "inference failed: \(why)"
        case let .socket(why): "socket: \(why)"
        }
    }

    /// The HTTP status this error is answered with.
    public var status: HTTPResponseStatus {
        switch self {
        case .invalidConfiguration, .inferenceFailed, .socket: .internalServerError
        case .badRequest: .badRequest
        case .unknownModel, .versionNotServed, .noRoute: .notFound
        case .methodNotAllowed: .methodNotAllowed
        case .modelUnavailable, .queueFull, .draining, .connectionLimit: .serviceUnavailable
        case .bodyTooLarge: .payloadTooLarge
        case .forbidden: .forbidden
        case .requestTimeout: .requestTimeout
        }
    }
}

extension ServerError {
    /// A request NIO's HTTP parser refused, in the parser's words, e.g.
    /// "malformed HTTP request: invalid HTTP method".
    static func malformedHTTP(_ error: HTTPParserError) -> ServerError {
        .badRequest("malformed HTTP request: \(error)")
    }
}
