import Testing

/// inferctl gives up on an inferd that accepts but never answers: one line naming the socket and
/// the time, exit 1, shortly after `--timeout`.
@Suite struct InferctlTimeoutTests {
    @Test(arguments: [["health"], ["models"], ["reload"], ["infer", "cnn", "--input", "/dev/null"]])
    func silentDaemonEndsTheCommandAfterTheTimeout(command: [String]) throws {
        let server = try FakeInferd()
        let run = try InferctlRun(["--socket", server.socketPath, "--timeout", "1"] + command)

        #expect(run.exited)
        #expect(run.status == 1)
        #expect(run.stderr == "inferctl: no answer from inferd at \(server.socketPath) within 1 s\n")
        #expect(run.seconds < 2.5)
    }

    @Test func benchGivesUpOnARequestUnansweredWithinTheTimeout() throws {
        let server = try FakeInferd(replies: ["GET /v2/models/mlp": FakeInferd.metadata(model: "mlp", shape: [4])])
        let run = try InferctlRun(["--socket", server.socketPath, "--timeout", "1",
                                   "bench", "mlp", "--seconds", "0.5", "--warmup", "0"])

        #expect(run.exited)
        #expect(run.status == 1)
        #expect(run.stdout.contains("first error: no answer from inferd at \(server.socketPath) within 1 s"), "\(run.stdout)")
        #expect(run.seconds < 3)
    }

    @Test func benchRunsPastTheTimeoutWhileEachRequestIsAnswered() throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        try TestModels.file(name: "mlp", version: 1, architecture: TestModels.mlp).write(to: daemon.modelPath("mlp.inferd"))
        try daemon.start(["--workers", "1"])
        let run = try InferctlRun(["--socket", daemon.socketPath, "--timeout", "0.5",
                                   "bench", "mlp", "--seconds", "1.5", "--warmup", "0"])

        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("requests: ") && run.stdout.contains(" ok, 0 errors"), "\(run.stdout)")
        #expect(run.seconds >= 1.5)
    }
}
