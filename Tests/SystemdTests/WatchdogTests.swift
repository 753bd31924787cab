import Systemd
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension ProcessEnvironment {
    @Suite struct WatchdogTests {
        @Test func intervalComesFromWatchdogUsecAndPingsAreAtHalfOfIt() {
            withEnvironment(["WATCHDOG_USEC": "3000000", "WATCHDOG_PID": "\(getpid())"]) {
                #expect(Watchdog.interval() == .seconds(3))
                #expect(Watchdog.pingInterval() == .milliseconds(1500))
            }
        }

        @Test func intervalWithoutWatchdogPidAppliesToThisProcess() {
            withEnvironment(["WATCHDOG_USEC": "500000", "WATCHDOG_PID": nil]) {
                #expect(Watchdog.interval() == .milliseconds(500))
            }
        }

        @Test func noWatchdogWhenUnsetOrMeantForAnotherProcess() {
            withEnvironment(["WATCHDOG_USEC": nil, "WATCHDOG_PID": nil]) {
                #expect(Watchdog.interval() == nil)
                #expect(Watchdog.pingInterval() == nil)
            }
            withEnvironment(["WATCHDOG_USEC": "3000000", "WATCHDOG_PID": notThisProcess]) {
                #expect(Watchdog.interval() == nil)
            }
        }

        @Test func malformedWatchdogUsecMeansNoWatchdog() {
            withEnvironment(["WATCHDOG_USEC": "soon", "WATCHDOG_PID": nil]) {
                #expect(Watchdog.interval() == nil)
            }
        }
    }
}
