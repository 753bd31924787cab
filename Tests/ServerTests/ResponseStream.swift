import Foundation

/// Splits the bytes of a connection into HTTP/1.1 responses framed by Content-Length (as every
/// inferd answer is), for tests that read many pipelined answers from a raw socket.
struct ResponseStream {
    private var pending: [UInt8] = []
    /// How many complete responses arrived with each status code.
    private(set) var statusCounts: [Int: Int] = [:]
    /// The body of the last complete response.
    private(set) var lastBody: [UInt8] = []

    var count: Int { statusCounts.values.reduce(0, +) }

    /// Adds bytes as they came off the socket; every response they complete is counted.
    mutating func append(_ bytes: [UInt8]) {
        pending += bytes
        var start = 0
        while let (status, bodyStart, bodyLength) = Self.head(in: pending, from: start),
              pending.count - bodyStart >= bodyLength {
            statusCounts[status, default: 0] += 1
            lastBody = Array(pending[bodyStart..<bodyStart + bodyLength])
            start = bodyStart + bodyLength
        }
        pending.removeFirst(start)
    }

    /// The status, body offset and body length of the response whose head starts at `start`, once
    /// the whole head is there.
    private static func head(in bytes: [UInt8], from start: Int) -> (Int, Int, Int)? {
        let terminator: [UInt8] = Array("\r\n\r\n".utf8)
        guard bytes.count - start >= 16,
              let end = bytes[start...].firstRange(of: terminator)?.upperBound else { return nil }
        let head = String(decoding: bytes[start..<end], as: UTF8.self)
        let lines = head.split(separator: "\r\n")
        guard let status = lines.first.flatMap({ Int($0.split(separator: " ")[1]) }) else { return nil }
        let length = lines.dropFirst().first { $0.lowercased().hasPrefix("content-length:") }
            .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
        return (status, end, length)
    }
}
