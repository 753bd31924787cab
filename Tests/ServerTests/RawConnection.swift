import Foundation
import Server

/// A bare Unix socket connection, for clients that misbehave on purpose.
final class RawConnection {
    let fd: Int32

    init(path: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        let result = withUnixSocketAddress(path) { connect(fd, $0, $1) } ?? -1
        guard result == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
    }

    deinit { close(fd) }

    func send(_ text: String) throws {
        try send(Array(text.utf8))
    }

    func send(_ bytes: [UInt8]) throws {
        guard write(fd, bytes, bytes.count) == bytes.count else { throw POSIXError(.EIO) }
    }

    /// Everything the server sends until it closes the connection or the timeout passes.
    func readAll(timeoutSeconds: Int) -> String {
        var collected: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let deadline = Date().addingTimeInterval(TimeInterval(timeoutSeconds))
        while Date() < deadline {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 100) > 0 else { continue }
            let count = read(fd, &buffer, buffer.count)
            if count <= 0 { break }
            collected += buffer[0..<count]
        }
        return String(decoding: collected, as: UTF8.self)
    }

    /// Whatever arrives within `timeoutMilliseconds` of the first byte's wait (at most `limit` bytes
    /// from one read); empty when nothing came.
    func readAvailable(timeoutMilliseconds: Int32, limit: Int = 65536) -> [UInt8] {
        guard wait(for: Int16(POLLIN), timeoutMilliseconds: timeoutMilliseconds) else { return [] }
        var buffer = [UInt8](repeating: 0, count: limit)
        let count = read(fd, &buffer, limit)
        return count > 0 ? Array(buffer[0..<count]) : []
    }

    /// Writes as much of `bytes` as the socket takes now, without blocking; returns how much.
    func sendWithoutBlocking(_ bytes: ArraySlice<UInt8>) -> Int {
        let count = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
        return max(count, 0)
    }

    /// True when `events` (POLLIN, POLLOUT) became ready within the timeout.
    func wait(for events: Int16, timeoutMilliseconds: Int32) -> Bool {
        var poller = pollfd(fd: fd, events: events, revents: 0)
        return poll(&poller, 1, timeoutMilliseconds) > 0 && poller.revents & events != 0
    }
}

