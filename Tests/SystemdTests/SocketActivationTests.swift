import Systemd
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension ProcessEnvironment {
    @Suite struct ListenFDsParsingTests {
        @Test func notSocketActivatedMeansNoInheritedSockets() throws {
            let sockets = try withEnvironment(["LISTEN_FDS": nil, "LISTEN_PID": nil]) {
                try SocketActivation.inheritedUnixStreamSockets()
            }
            #expect(sockets == [])
        }

        @Test func socketsPassedToAnotherProcessAreNotClaimed() throws {
            let sockets = try withEnvironment(["LISTEN_FDS": "1", "LISTEN_PID": notThisProcess]) {
                try SocketActivation.inheritedUnixStreamSockets()
            }
            #expect(sockets == [])
        }

        /// libsystemd treats a count that is not a positive number as malformed, not as "none".
        @Test(arguments: ["three", "0", "-1"])
        func malformedListenFDsIsATypedError(count: String) {
            withEnvironment(["LISTEN_FDS": count, "LISTEN_PID": "\(getpid())"]) {
                #expect(throws: SystemdError.unreadableListenFDs(errno: EINVAL)) {
                    try SocketActivation.inheritedUnixStreamSockets()
                }
            }
        }
    }
}

@Suite struct InheritedSocketCheckTests {
    @Test func aListeningUnixStreamSocketIsAccepted() throws {
        let listener = try StreamListener()
        try SocketActivation.requireUnixStreamListeners([listener.fd])
    }

    @Test func aConnectedStreamPairIsNotAListener() throws {
        var pair: [Int32] = [-1, -1]
        try #require(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0)
        defer { close(pair[0]); close(pair[1]) }
        #expect(throws: SystemdError.notUnixStreamListener(fd: pair[0])) {
            try SocketActivation.requireUnixStreamListeners([pair[0]])
        }
    }

    @Test func aDatagramSocketIsRejected() throws {
        let datagram = try DatagramListener()
        #expect(throws: SystemdError.notUnixStreamListener(fd: datagram.fd)) {
            try SocketActivation.requireUnixStreamListeners([datagram.fd])
        }
    }

    @Test func aListeningTCPSocketIsRejected() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(fd >= 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = in_addr_t(0x7f00_0001).bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        try #require(bound == 0 && listen(fd, 1) == 0)
        #expect(throws: SystemdError.notUnixStreamListener(fd: fd)) {
            try SocketActivation.requireUnixStreamListeners([fd])
        }
    }

    @Test func aPipeIsRejected() throws {
        var ends: [Int32] = [-1, -1]
        try #require(pipe(&ends) == 0)
        defer { close(ends[0]); close(ends[1]) }
        #expect(throws: SystemdError.notUnixStreamListener(fd: ends[0])) {
            try SocketActivation.requireUnixStreamListeners([ends[0]])
        }
    }

    @Test func theFirstBadDescriptorIsNamedEvenAfterAGoodOne() throws {
        let good = try StreamListener()
        let bad = try DatagramListener()
        #expect(throws: SystemdError.notUnixStreamListener(fd: bad.fd)) {
            try SocketActivation.requireUnixStreamListeners([good.fd, bad.fd])
        }
    }

    @Test func aDescriptorThatIsNotOpenCannotBeInspected() throws {
        let fd: Int32 = 999_999  // above any fd limit, so no parallel test can open it
        #expect(throws: SystemdError.socketCheckFailed(fd: fd, errno: EBADF)) {
            try SocketActivation.requireUnixStreamListeners([fd])
        }
    }

    @Test func errorsRenderAsOneLineNamingTheDescriptor() {
        let message = SystemdError.notUnixStreamListener(fd: 3).description
        #expect(message == "inherited fd 3 is not a listening Unix stream socket; expected ListenStream=/path in the .socket unit")
        #expect(SystemdError.socketCheckFailed(fd: 4, errno: EBADF).description == "inherited fd 4 could not be inspected (errno 9: Bad file descriptor)")
        #expect(!SystemdError.unreadableListenFDs(errno: EINVAL).description.contains("\n"))
    }
}
