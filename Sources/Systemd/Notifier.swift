import CSystemd

/// Sends state changes to the service manager via `sd_notify(3)`; a no-op outside systemd.
public struct Notifier: Sendable {
    public init() {}

    /// Sends `state` (e.g. `"READY=1"`); returns whether a notification socket was found.
    @discardableResult
    public func send(_ state: String) -> Bool {
        sd_notify(0, state) > 0
    }
}
