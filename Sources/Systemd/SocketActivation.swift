import CSystemd

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Sockets passed in by the service manager (`LISTEN_FDS`/`LISTEN_PID`, see `sd_listen_fds(3)`).
public enum SocketActivation {
    /// The inherited listening sockets, starting at fd 3; empty when the process was not
    /// socket-activated (the daemon then binds its own path).
    ///
    /// The environment is left in place so the call can be repeated; systemd's check of
    /// `LISTEN_PID` keeps any child process from claiming the descriptors.
    /// - Throws: `SystemdError.notUnixStreamListener` when an inherited fd is not a listening
    ///   `AF_UNIX` `SOCK_STREAM` socket (for example `ListenDatagram=` or a TCP port).
    public static func inheritedUnixStreamSockets() throws(SystemdError) -> [Int32] {
        let count = sd_listen_fds(0)
        guard count >= 0 else { throw .unreadableListenFDs(errno: -count) }
        let descriptors = (0..<count).map { Int32(SD_LISTEN_FDS_START) + $0 }
        try requireUnixStreamListeners(descriptors)
        return descriptors
    }

    /// Checks each descriptor with `sd_is_socket_unix(fd, SOCK_STREAM, 1, nil, 0)`.
    /// - Throws: `SystemdError.notUnixStreamListener` for the first that is not a listening
    ///   Unix stream socket, `SystemdError.socketCheckFailed` when it cannot be inspected.
    public static func requireUnixStreamListeners(_ descriptors: [Int32]) throws(SystemdError) {
        for fd in descriptors {
            let verdict = sd_is_socket_unix(fd, Int32(SOCK_STREAM.rawValue), 1, nil, 0)
            if verdict < 0 { throw .socketCheckFailed(fd: fd, errno: -verdict) }
            if verdict == 0 { throw .notUnixStreamListener(fd: fd) }
        }
    }
}
