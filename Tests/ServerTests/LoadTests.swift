import Foundation
import Server
import Testing

/// Bounded load and back-pressure.
@Suite struct LoadTests {
    @Test func thirtyTwoClientsForFiveSecondsWithoutErrors() throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        try TestModels.file(name: "cnn", version: 1, architecture: TestModels.cnn).write(to: daemon.modelPath("cnn.inferd"))
        try daemon.start(["--workers", "2", "--max-batch", "8"])
        let swarm = ClientSwarm(socketPath: daemon.socketPath, clients: 32, model: "cnn", shape: [1, 1, 28, 28])
        Thread.sleep(forTimeInterval: 5)
        let (served, failures) = swarm.stop()
        #expect(failures.isEmpty, "\(failures.count) failures, first: \(failures.prefix(3))")
        #expect(served > 100)
        let metrics = try daemon.client().get("/metrics").text
        #expect(metrics.contains("inferd_requests_total{model=\"cnn\"} \(served)"))
        #expect(daemon.stop() == 0)
    }

    @Test(.enabled(if: getuid() == 0, "the stall hook answers root only; CI runs as root"))
    func fullQueueAnswers503WithRetryAfter() throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        try TestModels.file(name: "mlp", version: 1, architecture: TestModels.mlp).write(to: daemon.modelPath("mlp.inferd"))
        // Batching on keeps the queued path (without it each event loop runs inference inline,
        // and a stalled loop cannot answer at all): the stalled worker fills the queue.
        try daemon.start(["--workers", "1", "--max-batch", "2", "--queue-depth", "2", "--test-hooks"])
        #expect(try daemon.client().post("/v2/debug/stall-worker?worker=0&seconds=2").status == 200)
        let waiting = ClientSwarm(socketPath: daemon.socketPath, clients: 2, model: "mlp", shape: [1, 4])
        Thread.sleep(forTimeInterval: 0.3)
        let refused = try daemon.client().send(
            method: .POST, path: "/v2/models/mlp/infer", headers: [],
            body: Array(#"{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[1,2,3,4]}]}"#.utf8))
        #expect(refused.status == 503)
        #expect(refused.header("retry-after") == "1")
        #expect(refused.text.contains("queue is full"))
        let (served, failures) = waiting.stop()
        #expect(failures.isEmpty && served >= 2, "queued requests complete once the worker is free: \(failures.prefix(2))")
    }

    @Test func sigtermLetsInFlightRequestsFinishAndExitsZero() throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        try TestModels.file(name: "cnn", version: 1, architecture: TestModels.cnn).write(to: daemon.modelPath("cnn.inferd"))
        try daemon.start(["--workers", "2"])
        let swarm = ClientSwarm(socketPath: daemon.socketPath, clients: 8, model: "cnn", shape: [1, 1, 28, 28])
        Thread.sleep(forTimeInterval: 0.5)
        daemon.process.terminate()
        daemon.process.waitUntilExit()
        let (served, failures) = swarm.stop()
        #expect(daemon.process.terminationStatus == 0)
        #expect(served > 0)
        // After the listener closes, clients see refused connections or 503 "shutting down", never a
        // half-written answer.
        #expect(failures.allSatisfy { $0.contains("503") || $0.contains("onnect") || $0.contains("losed") || $0.contains("No such file") },
                "\(failures.prefix(3))")
    }
}
