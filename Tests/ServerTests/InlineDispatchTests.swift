import Foundation
import Server
import Testing

/// `--dispatch inline`: requests run on the event loop that read them, with the same answers,
/// metrics, watchdog probes and limits as the queued path.
@Suite struct InlineDispatchTests {
    @Test func sixteenClientsOnTwoEventLoopsWithoutErrors() throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        try TestModels.file(name: "cnn", version: 1, architecture: TestModels.cnn).write(to: daemon.modelPath("cnn.inferd"))
        try daemon.start(["--workers", "2", "--dispatch", "inline"])
        let swarm = ClientSwarm(socketPath: daemon.socketPath, clients: 16, model: "cnn", shape: [1, 1, 28, 28])
        Thread.sleep(forTimeInterval: 2)
        let (served, failures) = swarm.stop()
        #expect(failures.isEmpty, "\(failures.count) failures, first: \(failures.prefix(3))")
        #expect(served > 100)
        let metrics = try daemon.client().get("/metrics").text
        #expect(metrics.contains("inferd_requests_total{model=\"cnn\"} \(served)"))
        #expect(daemon.stop() == 0)
    }

    @Test func inlineAnswersMatchQueuedAnswers() throws {
        let input = (0..<784).map { Float($0 % 29) / 29 }
        var answers: [[Float]] = []
        for mode in ["queue", "inline"] {
            let daemon = try DaemonProcess()
            defer { daemon.stop() }
            try TestModels.file(name: "cnn", version: 1, architecture: TestModels.cnn).write(to: daemon.modelPath("cnn.inferd"))
            try daemon.start(["--workers", "1", "--dispatch", mode])
            answers.append(try daemon.client().infer(model: "cnn", input: input, shape: [1, 1, 28, 28]))
        }
        #expect(answers[0].count == 10)
        #expect(answers[0] == answers[1])
    }

    @Test(.enabled(if: getuid() == 0, "the stall hook answers root only; CI runs as root"))
    func aStalledEventLoopIsTheWorkerTheHookStalls() throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        try TestModels.file(name: "mlp", version: 1, architecture: TestModels.mlp).write(to: daemon.modelPath("mlp.inferd"))
        try daemon.start(["--workers", "2", "--dispatch", "inline", "--test-hooks"])
        #expect(try daemon.client().post("/v2/debug/stall-worker?worker=2&seconds=1").status == 400)
        #expect(try daemon.client().post("/v2/debug/stall-worker?worker=1&seconds=1").status == 200)
        #expect(try daemon.client().get("/v2/health/live").status == 200)
    }

    @Test func inlineDispatchRefusesBatching() throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        #expect {
            try daemon.start(["--dispatch", "inline", "--max-batch", "4"])
        } throws: { error in
            guard case let DaemonError.exited(status, log) = error else { return false }
            return status == 2 && log.contains("max-batch must be 1")
        }
    }
}
