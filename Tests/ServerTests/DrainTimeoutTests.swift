import Foundation
import Server
import Testing

/// SIGTERM drains: a request still arriving is answered, and inferd ends within the drain timeout
/// (plus a second for closing connections) even when a worker is wedged, and still exits 0.
@Suite struct DrainTimeoutTests {
    /// SIGTERM comes 20 bytes into the request's 67-byte head, or 21 bytes into its body.
    @Test(arguments: [20, 88])
    func aRequestArrivingWhenSIGTERMComesIsAnsweredBeforeTheExit(bytesBeforeSIGTERM: Int) throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        try TestModels.file(name: "mlp", version: 1, architecture: TestModels.mlp).write(to: daemon.modelPath("mlp.inferd"))
        try daemon.start(["--drain-timeout", "5"])
        let body = #"{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[1,2,3,4]}]}"#
        let head = "POST /v2/models/mlp/infer HTTP/1.1\r\nHost: x\r\nContent-Length: \(body.utf8.count)\r\n\r\n"
        let request = Array((head + body).utf8)
        let connection = try RawConnection(path: daemon.socketPath)
        try connection.send(Array(request.prefix(bytesBeforeSIGTERM)))
        Thread.sleep(forTimeInterval: 0.2)

        kill(daemon.process.processIdentifier, SIGTERM)
        Thread.sleep(forTimeInterval: 0.5)
        try connection.send(Array(request.dropFirst(bytesBeforeSIGTERM)))
        let answer = connection.readAll(timeoutSeconds: 5)

        #expect(answer.hasPrefix("HTTP/1.1 503"), "\(answer)")
        #expect(answer.contains("inferd is shutting down"), "\(answer)")
        #expect(daemon.stop() == 0)
    }

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
