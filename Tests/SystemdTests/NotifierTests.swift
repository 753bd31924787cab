import Systemd
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension ProcessEnvironment {
    @Suite struct NotifierTests {
        @Test func withoutNotifySocketNothingIsSentAndSendReportsFalse() {
            withEnvironment(["NOTIFY_SOCKET": nil]) {
                #expect(Notifier().send("READY=1") == false)
                #expect(Notifier().watchdogPing() == false)
            }
        }

        @Test func sendDeliversTheStateToAPathSocket() throws {
            let listener = try DatagramListener()
            let sent = withEnvironment(["NOTIFY_SOCKET": listener.notifySocket]) { Notifier().send("READY=1") }
            #expect(sent)
            #expect(listener.receive() == "READY=1")
        }

        @Test func sendDeliversTheStateToAnAbstractSocket() throws {
            let listener = try DatagramListener(abstract: ())
            #expect(listener.notifySocket.hasPrefix("@"))
            let sent = withEnvironment(["NOTIFY_SOCKET": listener.notifySocket]) { Notifier().send("READY=1") }
            #expect(sent)
            #expect(listener.receive() == "READY=1")
        }

        @Test func readyCarriesTheStatusLine() throws {
            let listener = try DatagramListener()
            withEnvironment(["NOTIFY_SOCKET": listener.notifySocket]) {
                Notifier().ready(status: "serving 6 models")
                Notifier().ready()
            }
            #expect(listener.receive() == "READY=1\nSTATUS=serving 6 models")
            #expect(listener.receive() == "READY=1")
        }

        @Test func statusIsOneLineEvenWhenTheTextHasNewlines() throws {
            let listener = try DatagramListener(abstract: ())
            withEnvironment(["NOTIFY_SOCKET": listener.notifySocket]) {
                Notifier().status("6 models loaded\nREADY=1")
            }
            #expect(listener.receive() == "STATUS=6 models loaded READY=1")
        }

        @Test func reloadingStampsTheMonotonicClockAsSystemd253Expects() throws {
            let listener = try DatagramListener()
            let before = Notifier.monotonicMicroseconds()
            withEnvironment(["NOTIFY_SOCKET": listener.notifySocket]) {
                Notifier().reloading(status: "reloading models")
            }
            let after = Notifier.monotonicMicroseconds()
            let lines = try #require(listener.receive()).split(separator: "\n").map(String.init)
            #expect(lines.count == 3)
            #expect(lines.first == "RELOADING=1")
            #expect(lines.last == "STATUS=reloading models")
            let stamp = try #require(lines.dropFirst().first?.split(separator: "=").last.flatMap { UInt64($0) })
            #expect(lines[1].hasPrefix("MONOTONIC_USEC="))
            #expect((before...after).contains(stamp))
        }

        @Test func stoppingAndWatchdogPingSendTheirAssignments() throws {
            let listener = try DatagramListener()
            withEnvironment(["NOTIFY_SOCKET": listener.notifySocket]) {
                Notifier().stopping(status: "draining 2 requests")
                Notifier().watchdogPing()
            }
            #expect(listener.receive() == "STOPPING=1\nSTATUS=draining 2 requests")
            #expect(listener.receive() == "WATCHDOG=1")
        }

        @Test func monotonicClockMatchesClockGettime() {
            var now = timespec()
            clock_gettime(CLOCK_MONOTONIC, &now)
            let reference = UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
            let ours = Notifier.monotonicMicroseconds()
            #expect(ours >= reference && ours - reference < 1_000_000)
        }
    }
}
