/// Errors raised while talking to the service manager, each rendering as one readable line.
public enum SystemdError: Error, Equatable, CustomStringConvertible {
    /// `LISTEN_FDS`/`LISTEN_PID` are set for this process but could not be parsed.
    case unreadableListenFDs(errno: Int32)
    /// An inherited descriptor is not what the daemon serves on.
    case notUnixStreamListener(fd: Int32)
    /// Inspecting an inherited descriptor failed.
    case socketCheckFailed(fd: Int32, errno: Int32)

    public var description: String {
        switch self {
        case let .unreadableListenFDs(errno):
            "LISTEN_FDS/LISTEN_PID could not be parsed (\(errnoName(errno)))"
        case let .notUnixStreamListener(fd):
            "inherited fd \(fd) is not a listening Unix stream socket; expected ListenStream=/path in the .socket unit"
        case let .socketCheckFailed(fd, errno):
            "inherited fd \(fd) could not be inspected (\(errnoName(errno)))"
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

private func errnoName(_ code: Int32) -> String {
    "errno \(code): \(String(cString: strerror(code)))"
}
