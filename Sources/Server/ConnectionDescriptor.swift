#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import NIOCore

/// The file descriptor of an accepted connection, for busy polling. NIO does not publish it; its
/// channel description names it (`fd=N`). The socket cookie (`SO_COOKIE`) read through NIO and
/// read through that descriptor must agree, so a different description in another NIO version
/// can only turn busy polling off for the connection, never make inferd poll another socket.
enum ConnectionDescriptor {
    static func of(_ channel: any Channel) -> EventLoopFuture<Int32?> {
        #if os(Linux)
        guard let provider = channel as? any SocketOptionProvider,
              let descriptor = named(in: String(describing: channel)) else {
            return channel.eventLoop.makeSucceededFuture(nil)
        }
        let cookie: EventLoopFuture<UInt64> = provider.unsafeGetSocketOption(
            level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_COOKIE))
        return cookie.map { expected in
            var found: UInt64 = 0
            var length = socklen_t(MemoryLayout<UInt64>.size)
            guard getsockopt(descriptor, SOL_SOCKET, SO_COOKIE, &found, &length) == 0, found == expected else {
                return nil
            }
            return descriptor
        }.recover { _ in nil }
        #else
        return channel.eventLoop.makeSucceededFuture(nil)
        #endif
    }

    /// The number after `fd=` in a channel description. (Byte search: `String.range(of:)` would
    /// come from Foundation and link its ICU data into the static binary, +43 MB.)
    static func named(in description: String) -> Int32? {
        let bytes = Array(description.utf8), marker = Array("fd=".utf8)
        guard bytes.count > marker.count,
              let start = (0...(bytes.count - marker.count)).first(where: { bytes[$0..<$0 + marker.count].elementsEqual(marker) })
        else { return nil }
        let digits = bytes[(start + marker.count)...].prefix { (48...57).contains($0) }
        return Int32(String(decoding: digits, as: UTF8.self))
    }
}
