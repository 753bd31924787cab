/// The parts of an HTTP/1.1 response head the bench needs, read from raw bytes.
struct HTTPResponseHead {
    /// Bytes up to and including the blank line.
    let length: Int
    let contentLength: Int

    /// Nil until `bytes` holds the whole head; the blank line is searched from `start` on.
    init?(bytes: UnsafeBufferPointer<UInt8>, from start: Int) {
        guard bytes.count >= 4 else { return nil }
        var end: Int?
        for index in start...(bytes.count - 4) where bytes[index] == 13 && bytes[index + 1] == 10
            && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            end = index + 4
            break
        }
        guard let end else { return nil }
        length = end
        contentLength = Self.contentLength(UnsafeBufferPointer(rebasing: bytes[..<end]))
    }

    /// The status code of `HTTP/1.1 NNN`, nil when the bytes do not start that way.
    static func status(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard bytes.count >= 12, bytes.starts(with: statusLinePrefix), bytes[8] == 32 else { return nil }
        var status = 0
        for index in 9..<12 {
            let digit = Int(bytes[index]) - 48
            guard (0...9).contains(digit) else { return nil }
            status = status * 10 + digit
        }
        return status
    }

    private static let statusLinePrefix = Array("HTTP/1.".utf8)
    private static let headerName = Array("\r\ncontent-length:".utf8)

    /// The value of the `Content-Length` header (any letter case), 0 when absent.
    private static func contentLength(_ head: UnsafeBufferPointer<UInt8>) -> Int {
        let name = headerName
        guard head.count > name.count else { return 0 }
        for start in 0..<(head.count - name.count) {
            var matches = true
            for (offset, expected) in name.enumerated() {
                let byte = head[start + offset]
                // ASCII letters compare without case; "\r\n-:" have no upper case to fold.
                if (byte >= 65 && byte <= 90 ? byte | 0x20 : byte) != expected { matches = false; break }
            }
            guard matches else { continue }
            var index = start + name.count, value = 0
            while index < head.count, head[index] == 32 { index += 1 }
            while index < head.count, head[index] >= 48, head[index] <= 57 {
                value = value * 10 + Int(head[index] - 48)
                index += 1
            }
            return value
        }
        return 0
    }
}
