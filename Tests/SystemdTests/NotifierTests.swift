import Systemd
import Testing

@Test func notifyOutsideSystemdReportsNoSocket() {
    #expect(Notifier().send("READY=1") == false)
}
