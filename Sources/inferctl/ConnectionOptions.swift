import ArgumentParser
import NIOCore
import Server

#if canImport(Glibc)
import Glibc
#endif

/// The options every subcommand that talks to inferd shares: where, and how long to wait.
struct ConnectionOptions: ParsableArguments {
    @Option(help: "inferd's Unix socket. (default: $INFERD_SOCKET or /run/inferd.sock)")
    var socket: String?

    @Option(help: "Seconds to wait for each answer from inferd before giving up (bench: per request).")
    var timeout: Double = 30

    func validate() throws {
        try validateSeconds(timeout, option: "--timeout", range: 0.001...maximumSeconds)
    }

    var path: String {
        if let socket { return socket }
        if let value = getenv("INFERD_SOCKET") { return String(cString: value) }
        return "/run/inferd.sock"
    }

    /// `timeout` for NIO; exact to the nanosecond within the validated range.
    var timeAmount: TimeAmount { .nanoseconds(Int64((timeout * 1e9).rounded())) }

    func client() -> InferenceClient { InferenceClient(socketPath: path, timeout: timeAmount) }
}
