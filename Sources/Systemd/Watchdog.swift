import CSystemd

/// The service manager's watchdog (`WatchdogSec=`, seen by the process as `WATCHDOG_USEC`).
public enum Watchdog {
    /// The interval within which systemd expects `WATCHDOG=1`, or nil when the watchdog is off
    /// or meant for another process (`WATCHDOG_PID`), per `sd_watchdog_enabled(3)`.
    public static func interval() -> Duration? {
        var microseconds: UInt64 = 0
        guard sd_watchdog_enabled(0, &microseconds) > 0, microseconds > 0 else { return nil }
        return .microseconds(Int64(clamping: microseconds))
    }

    /// How often to ping: half the interval, as `sd_watchdog_enabled(3)` recommends.
    public static func pingInterval() -> Duration? {
        interval().map { $0 / 2 }
    }
}
