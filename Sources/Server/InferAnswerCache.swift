import NIOCore
import NIOHTTP1

/// The fixed parts of the last successful infer answer on one connection: the JSON text before
/// the output values and the HTTP response head. A client usually repeats the same request (same
/// model, id, batch and output form), so both come out byte for byte the same; rebuilding them
/// cost ~16 small buffer writes and a fresh header list per answer. Used on the connection's
/// event loop only.
struct InferAnswerCache {
    private var name = ""
    private var version = 0
    private var outputShape: [Int] = []
    private var id: String?
    private var batch = 0
    private var binary = false
    private var text: [UInt8] = []

    private var head: HTTPResponseHead?
    private var headKey = HeadKey(version: .http1_1, bodyLength: -1, headerLength: nil, close: false)

    private struct HeadKey: Equatable {
        var version: HTTPVersion
        var bodyLength: Int
        var headerLength: Int?
        var close: Bool
    }

    /// Writes the answer's JSON text up to its output values to `buffer`: the cached bytes when
    /// the answer is for the same model (name, version, output shape), id, batch and form as the last, else what
    /// `write` writes (then kept). Only what the text depends on is kept, not the model itself
    /// (a reloaded model's memory is not held by an idle connection).
    mutating func writeText(to buffer: inout ByteBuffer, model: ServedModel, id: String?, batch: Int, binary: Bool,
                            write: (inout ByteBuffer) -> Void) {
        if !text.isEmpty, name == model.name, version == model.version, outputShape == model.outputShape,
           self.id == id, self.batch == batch, self.binary == binary {
            buffer.writeBytes(text)
            return
        }
        let start = buffer.writerIndex
        write(&buffer)
        text.removeAll(keepingCapacity: true)
        buffer.withUnsafeReadableBytes { text.append(contentsOf: $0[(start - buffer.readerIndex)...]) }
        name = model.name
        version = model.version
        outputShape = model.outputShape
        self.id = id
        self.batch = batch
        self.binary = binary
    }

    /// The head of a 200 infer answer: the cached one when version, lengths and keep-alive match.
    mutating func head(version: HTTPVersion, bodyLength: Int, headerLength: Int?, close: Bool) -> HTTPResponseHead {
        let key = HeadKey(version: version, bodyLength: bodyLength, headerLength: headerLength, close: close)
        if let head, key == headKey { return head }
        let made = HTTPHandler.responseHead(
            version: version, status: .ok,
            contentType: headerLength == nil ? "application/json" : "application/octet-stream", contentLength: bodyLength,
            extraHeaders: headerLength.map { [("inference-header-content-length", String($0))] } ?? [], close: close)
        head = made
        headKey = key
        return made
    }
}
