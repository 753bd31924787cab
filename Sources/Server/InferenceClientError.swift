import NIOCore

/// Failures of `InferenceClient` beyond transport errors, each one line naming what to check.
public enum InferenceClientError: Error, CustomStringConvertible {
    /// The server answered with this HTTP status and error message.
    case status(Int, String)
    case malformed(String)
    /// Nothing accepts connections at the socket path (the second value says why).
    case unreachable(String, String)
    /// The server at the socket path did not answer whole within the time.
    case timedOut(String, after: TimeAmount)
    /// The answer's body grew past `InferenceClient.largestAnswer` bytes.
    case answerTooLarge(limit: Int)

    public var description: String {
        switch self {
        case let .status(code, message): "HTTP \(code): \(message)"
        case let .malformed(why): "malformed response: \(why)"
        case let .unreachable(path, why): "cannot connect to inferd at \(path): \(why)"
        case let .timedOut(path, time): "no answer from inferd at \(path) within \(Self.seconds(time)) s"
        case let .answerTooLarge(limit): "the answer grew past \(limit) bytes without ending; gave up on it"
        }
    }

    /// `time` in seconds, without a fraction when it is whole ("30", "1.5").
    private static func seconds(_ time: TimeAmount) -> String {
        let nanoseconds = time.nanoseconds
        if nanoseconds % 1_000_000_000 == 0 { return String(nanoseconds / 1_000_000_000) }
        return String(Double(nanoseconds) / 1e9)
    }
}
