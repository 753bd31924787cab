import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A Unix datagram socket standing in for systemd's notification socket.
final class DatagramListener {
    let fd: Int32
    /// The value to put in `NOTIFY_SOCKET`: a path, or `@name` for the abstract namespace.
    let notifySocket: String
    private let path: String?

    /// Binds a socket file under /tmp.
    convenience init() throws {
        try self.init(notifySocket: "/tmp/inferd-notify-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).sock")
    }

    /// Binds an abstract-namespace socket (`@name`).
    convenience init(abstract: Void) throws {
        try self.init(notifySocket: "@inferd-notify-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
    }

    private init(notifySocket: String) throws {
        self.notifySocket = notifySocket
        self.path = notifySocket.hasPrefix("@") ? nil : notifySocket
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        try #require(fd >= 0)
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var passCredentials: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &passCredentials, socklen_t(MemoryLayout<Int32>.size))
        let bound = withUnixAddress(notifySocket) { bind(fd, $0, $1) }
        try #require(bound == 0, "bind \(notifySocket): errno \(errno)")
    }

    deinit {
        close(fd)
        if let path { unlink(path) }
    }

    /// The next datagram this process sent, as text, or nil after five seconds of silence.
    ///
    /// Datagrams from other processes are skipped, as systemd does with `NotifyAccess=main`: a
    /// daemon another suite spawns while NOTIFY_SOCKET is set here inherits it and may write to us.
    func receive() -> String? {
        while true {
            var data = [UInt8](repeating: 0, count: 4096)
            var control = [UInt8](repeating: 0, count: 64)
            let (count, sender) = data.withUnsafeMutableBytes { data in
                control.withUnsafeMutableBytes { control in receiveWithSender(data: data, control: control) }
            }
            guard count >= 0 else { return nil }
            if sender == getpid() { return String(decoding: data[..<count], as: UTF8.self) }
        }
    }

    private func receiveWithSender(data: UnsafeMutableRawBufferPointer, control: UnsafeMutableRawBufferPointer) -> (Int, pid_t?) {
        var vector = iovec(iov_base: data.baseAddress, iov_len: data.count)
        return withUnsafeMutablePointer(to: &vector) { vector in
            var message = msghdr()
            message.msg_iov = vector
            message.msg_iovlen = 1
            message.msg_control = control.baseAddress
            message.msg_controllen = control.count
            let count = recvmsg(fd, &message, 0)
            guard count >= 0, message.msg_controllen >= MemoryLayout<cmsghdr>.size else { return (count, nil) }
            let header = control.load(as: cmsghdr.self)
            guard header.cmsg_level == SOL_SOCKET, header.cmsg_type == scmCredentials else { return (count, nil) }
            // CMSG_DATA: the header rounded up to the alignment of size_t.
            let alignment = MemoryLayout<Int>.size
            let offset = (MemoryLayout<cmsghdr>.size + alignment - 1) / alignment * alignment
            return (count, control.load(fromByteOffset: offset, as: Credentials.self).pid)
        }
    }
}

/// Calls `body` with a `sockaddr_un` for `name` (`@` prefix: abstract namespace) and its length,
/// computed the way `sd_notify` computes it.
func withUnixAddress<R>(_ name: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    var bytes = Array(name.utf8)
    if bytes.first == UInt8(ascii: "@") { bytes[0] = 0 }
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
        raw.copyBytes(from: bytes.prefix(raw.count - 1))
    }
    let length = MemoryLayout<sa_family_t>.size + bytes.count + (bytes.first == 0 ? 0 : 1)
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(length)) }
    }
}

/// A listening Unix stream socket bound to a fresh path: the kind systemd passes for ListenStream=.
final class StreamListener {
    let fd: Int32
    let path = "/tmp/inferd-listen-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).sock"

    init() throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        try #require(fd >= 0)
        try #require(withUnixAddress(path) { bind(fd, $0, $1) } == 0)
        try #require(listen(fd, 8) == 0)
    }

    deinit {
        close(fd)
        unlink(path)
    }
}

/// Runs `body` with environment variables set (nil: unset), then restores the previous values.
/// Only for tests in the serialized `ProcessEnvironment` suite: the environment is process-wide.
@discardableResult
func withEnvironment<R>(_ changes: [String: String?], _ body: () throws -> R) rethrows -> R {
    var saved: [String: String?] = [:]
    for (name, value) in changes {
        saved[name] = getenv(name).map { String(cString: $0) }
        if let value { setenv(name, value, 1) } else { unsetenv(name) }
    }
    defer {
        for (name, value) in saved {
            if let value { setenv(name, value, 1) } else { unsetenv(name) }
        }
    }
    return try body()
}

/// A pid no process can have (above the kernel's maximum pid_max of 2^22), for `LISTEN_PID` and
/// `WATCHDOG_PID` meant for someone else: a child another suite spawns meanwhile can never match it.
let notThisProcess = "2147483647"

/// Linux's `SCM_CREDENTIALS` and `struct ucred`, which Glibc only declares under _GNU_SOURCE.
private let scmCredentials: Int32 = 2
private struct Credentials {
    var pid: pid_t
    var uid: uid_t
    var gid: gid_t
}
