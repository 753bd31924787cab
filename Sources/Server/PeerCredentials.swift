#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import NIOCore

/// Who is on the other end of a Unix socket connection, from `SO_PEERCRED`.
public struct PeerCredentials: Sendable, Equatable {
    public var pid: Int32
    public var uid: UInt32
    public var gid: UInt32

    /// Reads the peer's credentials of an accepted Unix socket channel.
    static func of(_ channel: any Channel) -> EventLoopFuture<PeerCredentials?> {
        #if os(Linux)
        guard let provider = channel as? any SocketOptionProvider else {
            return channel.eventLoop.makeSucceededFuture(nil)
        }
        let future: EventLoopFuture<LinuxPeerCredentials> = provider.unsafeGetSocketOption(
            level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_PEERCRED))
        return future.map { PeerCredentials(pid: $0.pid, uid: $0.uid, gid: $0.gid) }
            .recover { _ in nil }
        #else
        return channel.eventLoop.makeSucceededFuture(nil)
        #endif
    }

    /// `struct ucred` of <sys/socket.h>, which Glibc exports only under _GNU_SOURCE.
    private struct LinuxPeerCredentials: Sendable {
        var pid: Int32
        var uid: UInt32
        var gid: UInt32
    }

    /// Whether the allowlists admit this peer: everyone when both lists are empty.
    func isAllowed(uids: [UInt32], gids: [UInt32]) -> Bool {
        if uids.isEmpty && gids.isEmpty { return true }
        return uids.contains(uid) || gids.contains(gid)
    }
}
