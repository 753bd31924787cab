import CSystemd

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Sends state changes to the service manager via `sd_notify(3)`; a no-op outside systemd.
///
/// The socket comes from `NOTIFY_SOCKET` (a path or an abstract `@name`), read on every send,
/// so a unit with `NotifyAccess=main` sees these messages only from the main process.
public struct Notifier: Sendable {
    public init() {}

    /// Sends `state` (e.g. `"READY=1"`, several assignments separated by newlines);
    /// returns whether a notification socket was found and the message was sent.
    @discardableResult
    public func send(_ state: String) -> Bool {
        sd_notify(0, state) > 0
    }

    /// Startup (or a reload) finished: `READY=1`, with a status line when given.
    @discardableResult
    public func ready(status: String? = nil) -> Bool {
        send(["READY=1", status.map(Self.statusAssignment)].compactMap { $0 }.joined(separator: "\n"))
    }

    /// A reload began: `RELOADING=1` with `MONOTONIC_USEC=` (what `Type=notify-reload` in
    /// systemd ≥ 253 requires; older managers ignore the extra field). Follow with `ready(status:)`.
    @discardableResult
    public func reloading(status: String? = nil) -> Bool {
        let fields = ["RELOADING=1", "MONOTONIC_USEC=\(Self.monotonicMicroseconds())", status.map(Self.statusAssignment)]
        return send(fields.compactMap { $0 }.joined(separator: "\n"))
    }

    /// Shutdown began: `STOPPING=1`, with a status line when given.
    @discardableResult
    public func stopping(status: String? = nil) -> Bool {
        send(["STOPPING=1", status.map(Self.statusAssignment)].compactMap { $0 }.joined(separator: "\n"))
    }

    /// A line a person reads in `systemctl status`.
    @discardableResult
    public func status(_ text: String) -> Bool {
        send(Self.statusAssignment(text))
    }

    /// Keep-alive for `WatchdogSec=`: `WATCHDOG=1`. Send it at `Watchdog.pingInterval()`.
    @discardableResult
    public func watchdogPing() -> Bool {
        send("WATCHDOG=1")
    }

    /// `STATUS=` holds one line; a newline would start a new (bogus) assignment.
    static func statusAssignment(_ text: String) -> String {
        "STATUS=" + text.map { $0.isNewline ? " " : String($0) }.joined()
    }

    /// `CLOCK_MONOTONIC` in microseconds, the clock systemd stamps `MONOTONIC_USEC=` with.
    public static func monotonicMicroseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
    }
}
