import Foundation
import Server
import Testing

/// SIGTERM ends inferd within the drain timeout (plus a second for closing connections) even when
/// a worker is wedged, and still exits 0.
@Suite struct DrainTimeoutTests {
    @Test(.enabled(if: getuid() == 0, "the stall hook answers root only; CI runs as root"), arguments: [1, 2])
    func aWedgedWorkerDoesNotHoldTheExitPastTheDrainTimeout(workers: Int) throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        try TestModels.file(name: "mlp", version: 1, architecture: TestModels.mlp).write(to: daemon.modelPath("mlp.inferd"))
        try daemon.start(["--workers", "\(workers)", "--drain-timeout", "1", "--test-hooks"])
        #expect(try daemon.client().post("/v2/debug/stall-worker?worker=0&seconds=30").status == 200)

        let start = Date()
        let status = daemon.stop()

        #expect(status == 0)
        #expect(Date().timeIntervalSince(start) < 5, "took \(Date().timeIntervalSince(start)) s")
    }
}
