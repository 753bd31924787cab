import NIOCore
import NIOHTTP1

extension HTTPHandler {
    /// A client that sent `Expect: 100-continue` waits for an interim answer before it sends the
    /// body (curl does with bodies over 1 MB, for up to a second). Called when a request still has
    /// no body at the end of a read burst, so requests that arrive whole never pay for the header
    /// lookup (RFC 9110 lets a server that already has the body skip the 100). Answers
    /// `100 Continue`, or at once the final error an infer request gets whatever its body (unknown
    /// or unavailable model, draining), closing the connection since the body may never come. A
    /// Content-Length over the limit got its 413 at the head already.
    func answerExpectation(_ context: ChannelHandlerContext, _ head: HTTPRequestHead) {
        // HTTP/1.0 clients know no 100 (RFC 9110 §10.1.1: the expectation is ignored).
        guard head.version.major > 1 || head.version.minor >= 1,
              head.headers.first(name: "expect")?.lowercased() == "100-continue" else { return }
        if head.method == .POST, let name = Self.inferModelName(head.uri) {
            let requestID = RequestName(head: head, sequence: server.nextRequestSequence())
            let failure: (model: String?, error: ServerError)?
            if server.draining.load(ordering: .relaxed) {
                failure = (name, .draining)
            } else if case let .failure(error) = resolve(name, version: nil) {
                failure = (nil, error)
            } else {
                failure = nil
            }
            if let failure {
                discarding = true
                finishInfer(context, model: failure.model, requestID: requestID, start: monotonicNanoseconds(),
                            result: .failure(failure.error), close: true)
                return
            }
        }
        let interim = HTTPResponseHead(version: head.version, status: .continue)
        context.writeAndFlush(wrapOutboundOut(.head(interim)), promise: nil)
    }
}
