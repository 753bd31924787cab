import Testing

/// Every test that sets NOTIFY_SOCKET, WATCHDOG_* or LISTEN_* lives in this suite: libsystemd
/// reads those variables from the process environment, so these tests must not overlap.
@Suite(.serialized) enum ProcessEnvironment {}
