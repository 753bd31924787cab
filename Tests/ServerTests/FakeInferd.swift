import Foundation
import Server

/// A Unix socket that accepts connections as inferd does but answers only the requests it holds a
/// canned reply for (keyed "METHOD /path"); from the first other request on, a connection gets no
/// answer at all, as from a daemon whose worker is stuck.
final class FakeInferd: @unchecked Sendable {
    let socketPath: String
    private let directory: URL
    private let listener: Int32
    private let lock = NSLock()
    private var connections: Set<Int32> = []

    init(replies: [String: String] = [:]) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("fake-inferd-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        socketPath = directory.appendingPathComponent("inferd.sock").path
        listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        let bound = withUnixSocketAddress(socketPath) { bind(listener, $0, $1) } ?? -1
        guard bound == 0, listen(listener, 16) == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        Thread { [self] in acceptLoop(replies: replies) }.start()
    }

    /// An HTTP/1.1 response with `body` and a matching Content-Length.
    static func reply(status: Int, body: String, contentType: String = "application/json") -> String {
        "HTTP/1.1 \(status) X\r\nContent-Type: \(contentType)\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
    }

    /// Model metadata as inferd sends it, for a model taking `shape` per sample.
    static func metadata(model: String, shape: [Int]) -> String {
        let dimensions = ([-1] + shape).map(String.init).joined(separator: ",")
        return reply(status: 200, body: #"{"name":"\#(model)","versions":["1"],"platform":"inferd","#
            + #""inputs":[{"name":"input","datatype":"FP32","shape":[\#(dimensions)]}],"#
            + #""outputs":[{"name":"probabilities","datatype":"FP32","shape":[-1,10]}]}"#)
    }

    /// Stops accepting and ends every open connection.
    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        lock.withLock { for fd in connections { shutdown(fd, Int32(SHUT_RDWR)) } }
    }

    deinit {
        stop()
        close(listener)
        try? FileManager.default.removeItem(at: directory)
    }

    private func acceptLoop(replies: [String: String]) {
        while true {
            let fd = accept(listener, nil, nil)
            guard fd >= 0 else { return }
            lock.withLock { _ = connections.insert(fd) }
            Thread { [self] in
                serve(fd, replies: replies)
                lock.withLock { _ = connections.remove(fd) }
                close(fd)
            }.start()
        }
    }

    /// Reads requests until the peer closes; answers them in order while it has a reply for each.
    private func serve(_ fd: Int32, replies: [String: String]) {
        var pending: [UInt8] = [], silent = false
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = read(fd, &chunk, chunk.count)
            guard count > 0 else { return }
            pending += chunk[0..<count]
            while !silent, let request = Self.takeRequest(&pending) {
                guard let reply = replies[request] else { silent = true; break }
                let bytes = Array(reply.utf8)
                // MSG_NOSIGNAL: a client that gave up on the answer must not SIGPIPE the test process.
                _ = send(fd, bytes, bytes.count, Int32(MSG_NOSIGNAL))
            }
        }
    }

    /// Removes one whole request (head and Content-Length body) from `bytes`; returns its "METHOD /path".
    private static func takeRequest(_ bytes: inout [UInt8]) -> String? {
        let blank: [UInt8] = [13, 10, 13, 10]
        guard bytes.count >= 4,
              let end = (0...(bytes.count - 4)).first(where: { bytes[$0..<$0 + 4].elementsEqual(blank) }) else { return nil }
        let lines = String(decoding: bytes[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let length = lines.dropFirst().compactMap { line -> Int? in
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "content-length" else { return nil }
            return Int(parts[1].trimmingCharacters(in: .whitespaces))
        }.first ?? 0
        guard bytes.count >= end + 4 + length else { return nil }
        bytes.removeFirst(end + 4 + length)
        return lines[0].split(separator: " ").prefix(2).joined(separator: " ")
    }
}
