#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The file system side of the socket a daemon binds itself: what may be removed before binding,
/// and which socket file is this daemon's to remove on shutdown.
enum SocketPath {
    /// The device and inode of one socket file, taken right after binding it.
    struct Identity: Equatable, Sendable {
        var device: UInt64
        var inode: UInt64

        /// The identity of whatever `path` names now; nil when nothing does.
        init?(path: String) {
            var info = stat()
            guard lstat(path, &info) == 0 else { return nil }
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
        }
    }

    /// Makes `path` free to bind: nothing there is fine, and a socket nobody listens on (left by a
    /// daemon that died) is removed. A socket that accepts connections belongs to a daemon that is
    /// still running, and any other file is not ours to delete: both are refused.
    static func prepareForBinding(_ path: String) throws(ServerError) {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            guard errno == ENOENT else { throw .socket("cannot inspect \(path): \(lastError())") }
            return
        }
        guard info.st_mode & S_IFMT == S_IFSOCK else {
            throw .socket("\(path) exists and is not a socket; remove it or choose another --socket")
        }
        switch try probe(path) {
        case .listening:
            throw inUse(path)
        case .stale:
            guard unlink(path) == 0 || errno == ENOENT else {
                throw .socket("cannot remove stale socket \(path): \(lastError())")
            }
        }
    }

    /// A listening socket bound at `path` (which `prepareForBinding` made free) and the identity
    /// of its file. The daemon binds it itself rather than through NIO's bootstrap, whose channel
    /// deletes the path on close whatever file it names by then.
    static func bindListening(_ path: String, backlog: Int32) throws(ServerError) -> (descriptor: Int32, identity: Identity) {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .socket("cannot create a socket: \(lastError())") }
        guard let bound = withUnixSocketAddress(path, { bind(fd, $0, $1) }) else {
            close(fd)
            throw tooLong(path)
        }
        guard bound == 0 else {
            let error = errno == EADDRINUSE ? inUse(path) : .socket("cannot bind \(path): \(lastError())")
            close(fd)
            throw error
        }
        guard listen(fd, backlog) == 0, let identity = Identity(path: path) else {
            let error = ServerError.socket("cannot listen on \(path): \(lastError())")
            close(fd)
            unlink(path)
            throw error
        }
        return (fd, identity)
    }

    /// Removes the socket file at `path` only while it is still the one `identity` names, so a
    /// daemon never deletes a socket another daemon bound at the same path since.
    static func remove(_ path: String, ifStill identity: Identity) {
        guard Identity(path: path) == identity else { return }
        unlink(path)
    }

    private enum ProbeResult {
        case listening, stale
    }

    /// Connects to the socket without blocking: a full backlog (`EAGAIN`) is a live listener too.
    private static func probe(_ path: String) throws(ServerError) -> ProbeResult {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .socket("cannot create a socket: \(lastError())") }
        defer { close(fd) }
        guard let result = withUnixSocketAddress(path, { connect(fd, $0, $1) }) else { throw tooLong(path) }
        if result == 0 { return .listening }
        switch errno {
        case EAGAIN, EINPROGRESS: return .listening
        case ECONNREFUSED: return .stale
        default: throw .socket("cannot tell whether \(path) is in use: \(lastError())")
        }
    }

    private static func tooLong(_ path: String) -> ServerError {
        .socket("\(path) is too long for a Unix socket path")
    }

    private static func inUse(_ path: String) -> ServerError {
        .socket("another daemon is already listening on \(path); stop it or choose another --socket")
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }
}
