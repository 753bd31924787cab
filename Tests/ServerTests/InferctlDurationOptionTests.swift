import Testing

/// Every inferctl option that is a duration accepts only finite seconds up to one day: anything else
/// is a usage error (exit 64, named in one line), never a trap converting it to nanoseconds.
@Suite struct InferctlDurationOptionTests {
    @Test(arguments: [
        (["bench", "cnn", "--seconds", "inf"], "--seconds"),
        (["bench", "cnn", "--seconds", "100000000000"], "--seconds"),
        (["bench", "cnn", "--seconds", "nan"], "--seconds"),
        (["bench", "cnn", "--seconds", "0"], "--seconds"),
        (["bench", "cnn", "--warmup", "1e11"], "--warmup"),
        (["bench", "cnn", "--warmup=-inf"], "--warmup"),
        (["bench", "cnn", "--warmup=-1"], "--warmup"),
        (["--timeout", "inf", "health"], "--timeout"),
        (["--timeout", "1e11", "models"], "--timeout"),
        (["--timeout", "0", "health"], "--timeout"),
        (["--timeout", "nan", "reload"], "--timeout"),
    ])
    func outOfRangeDurationIsAUsageError(arguments: [String], option: String) throws {
        // A daemon that knows the model, so nothing but the option itself can stop the run.
        let server = try FakeInferd(replies: ["GET /v2/models/cnn": FakeInferd.metadata(model: "cnn", shape: [1, 28, 28])])
        let run = try InferctlRun(["--socket", server.socketPath] + arguments)

        #expect(run.exited)
        #expect(run.status == 64)
        #expect(run.stderr.hasPrefix("Error: \(option) must be a number of seconds from "), "\(run.stderr)")
        #expect(!run.stderr.contains("Fatal error"))
    }

    @Test func benchBatchBeyondTheLimitIsAUsageError() throws {
        let server = try FakeInferd(replies: ["GET /v2/models/cnn": FakeInferd.metadata(model: "cnn", shape: [1, 28, 28])])
        let run = try InferctlRun(["--socket", server.socketPath, "bench", "cnn", "--batch", "9223372036854775807"])

        #expect(run.status == 64)
        #expect(run.stderr.hasPrefix("Error: --batch must be 1...4096"), "\(run.stderr)")
    }

    @Test func fashionIndexAtTheLargestIntegerIsRefusedWithoutATrap() throws {
        let server = try FakeInferd(replies: ["GET /v2/models/cnn": FakeInferd.metadata(model: "cnn", shape: [1, 28, 28])])
        let run = try InferctlRun(["--socket", server.socketPath, "infer", "cnn", "--fashion-index", "9223372036854775807"])

        #expect(run.exited)
        #expect(run.stderr.contains("--fashion-index + --count must stay within 0..<"), "\(run.stderr)")
        #expect(!run.stderr.contains("Fatal error"))
    }
}
