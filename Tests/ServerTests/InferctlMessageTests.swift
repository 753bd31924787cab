import Foundation
import Server
import Testing

/// inferctl's failures read as one line saying what is wrong, in the user's terms: no NIO
/// internals, no decoder coding paths.
@Suite struct InferctlMessageTests {
    @Test func missingSocketIsNamedWithTheSystemsReason() throws {
        let run = try InferctlRun(["--socket", "/nonexistent/inferd.sock", "health"])

        #expect(run.status == 1)
        #expect(run.stderr == "inferctl: cannot connect to inferd at /nonexistent/inferd.sock: No such file or directory\n")
    }

    @Test func directoryAsInputIsCalledADirectory() throws {
        let server = try FakeInferd(replies: ["GET /v2/models/mlp": FakeInferd.metadata(model: "mlp", shape: [4])])
        let directory = FileManager.default.temporaryDirectory.path

        let run = try InferctlRun(["--socket", server.socketPath, "infer", "mlp", "--input", directory])

        #expect(run.status == 1)
        #expect(run.stderr == "inferctl: \(directory) is a directory, not an input file\n")
    }

    @Test func serverErrorPrintsTheServersMessage() throws {
        let failure = FakeInferd.reply(status: 500, body: #"{"error":"models directory is unreadable"}"#)
        let server = try FakeInferd(replies: ["POST /v2/repository/index": failure])

        let run = try InferctlRun(["--socket", server.socketPath, "models"])

        #expect(run.status == 1)
        #expect(run.stderr == "inferctl: HTTP 500: models directory is unreadable\n")
    }

    @Test func plainTextErrorIsPrintedAsSent() throws {
        let failure = FakeInferd.reply(status: 502, body: "upstream went away\n", contentType: "text/plain")
        let server = try FakeInferd(replies: ["GET /v2/models/mlp": failure])

        let run = try InferctlRun(["--socket", server.socketPath, "infer", "mlp", "--input", "/dev/null"])

        #expect(run.status == 1)
        #expect(run.stderr == "inferctl: HTTP 502: upstream went away\n")
        #expect(run.stdout.isEmpty)
    }

    @Test func successfulAnswerThatIsNotTheExpectedJSONIsQuoted() throws {
        let page = FakeInferd.reply(status: 200, body: "<html>not inferd</html>", contentType: "text/html")
        let server = try FakeInferd(replies: ["POST /v2/repository/index": page])

        let run = try InferctlRun(["--socket", server.socketPath, "models"])

        #expect(run.status == 1)
        #expect(run.stderr == "inferctl: unexpected answer from inferd: <html>not inferd</html>\n")
    }

    @Test func failedInferencePrintsTheServersMessage() throws {
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("input-\(UUID().uuidString.prefix(8)).json")
        try Data("[1, 2, 3, 4]".utf8).write(to: input)
        defer { try? FileManager.default.removeItem(at: input) }
        let server = try FakeInferd(replies: [
            "GET /v2/models/mlp": FakeInferd.metadata(model: "mlp", shape: [4]),
            "POST /v2/models/mlp/infer": FakeInferd.reply(status: 500, body: #"{"error":"inference failed: worker lost"}"#),
        ])

        let run = try InferctlRun(["--socket", server.socketPath, "infer", "mlp", "--input", input.path])

        #expect(run.status == 1)
        #expect(run.stderr == "inferctl: HTTP 500: inference failed: worker lost\n")
    }

    /// Flattened, rows of 3 and 5 values would have made two valid samples of 4 with values moved
    /// from one into the other; inferctl names the first irregular element and sends nothing.
    @Test(arguments: [("[[1, 2, 3], [4, 5, 6, 7, 8]]", "element [1] has 5 values where [0] has 3 values"),
                      ("[[[1, 2], [3, 4]], [[5, 6], [7, 8, 9]]]", "element [1][1] has 3 values where [1][0] has 2 values"),
                      ("[[1, 2, 3, 4], 5, 6, 7, 8]", "element [1] is a number where [0] has 4 values")])
    func raggedJSONInputIsRefusedNamingTheElement(json: String, problem: String) throws {
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("input-\(UUID().uuidString.prefix(8)).json")
        try Data(json.utf8).write(to: input)
        defer { try? FileManager.default.removeItem(at: input) }
        let server = try FakeInferd(replies: ["GET /v2/models/mlp": FakeInferd.metadata(model: "mlp", shape: [4])])

        let run = try InferctlRun(["--socket", server.socketPath, "infer", "mlp", "--input", input.path])

        #expect(run.status == 1)
        #expect(run.stderr == "inferctl: \(input.path): ragged nesting: \(problem)\n")
    }

    /// A connection that ends mid-answer is named as such, not with NIO's "I/O on closed channel".
    @Test func serverClosingMidAnswerIsNamed() throws {
        let partial = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n[{\"name\":"
        let server = try FakeInferd(replies: ["POST /v2/repository/index": partial])
        Thread { usleep(1_000_000); server.stop() }.start()

        let run = try InferctlRun(["--socket", server.socketPath, "--timeout", "10", "models"])

        #expect(run.status == 1)
        #expect(run.stderr == "inferctl: the connection to inferd closed before a whole answer arrived\n")
    }

    /// connect(2) on a directory fails with ECONNREFUSED, which inferctl printed as is.
    @Test func directoryAsSocketIsCalledADirectory() throws {
        let directory = FileManager.default.temporaryDirectory.path

        let run = try InferctlRun(["--socket", directory, "health"])

        #expect(run.status == 1)
        #expect(run.stderr == "inferctl: cannot connect to inferd at \(directory): it is a directory, not a socket\n")
    }

    /// A private key file given as --trusted-key was refused as "expected a line starting with
    /// ed25519-public:", which does not say the public file is the one wanted.
    @Test func privateKeyAsTrustedKeyIsCalledAPrivateKey() throws {
        let key = FileManager.default.temporaryDirectory.appendingPathComponent("signing-\(UUID().uuidString.prefix(8)).key")
        try Data("ed25519-private:\(Data(repeating: 7, count: 32).base64EncodedString())\n".utf8).write(to: key)
        defer { try? FileManager.default.removeItem(at: key) }

        let run = try InferctlRun(["inspect", "/nonexistent/model.inferd", "--trusted-key", key.path])

        #expect(run.status == 1)
        #expect(run.stderr == "inferctl inspect: \(key.path): bad key file: this is a private key; --trusted-key takes the public key file (.pub)\n")
    }

    @Test func anAnswerPastTheLimitIsCutOffNotBuffered() throws {
        let endless = "HTTP/1.1 200 X\r\nContent-Type: application/json\r\nContent-Length: \(1 << 40)\r\n\r\n"
            + String(repeating: "0", count: InferenceClient.largestAnswer + (1 << 20))
        let server = try FakeInferd(replies: ["POST /v2/repository/index": endless])

        let run = try InferctlRun(["--socket", server.socketPath, "models"])

        #expect(run.status == 1)
        #expect(run.stderr == "inferctl: the answer grew past \(InferenceClient.largestAnswer) bytes without ending; gave up on it\n")
    }
}
