import Foundation
import Server
import Testing

/// Every kind of bad request gets a clear error naming what was expected, and the daemon keeps
/// answering afterwards.
@Suite struct BadInputTests {
    static let image = "[\(String(repeating: "0.5,", count: 783))0.5]"

    func expectError(_ response: InferenceClient.Response, _ status: Int, mentioning fragments: [String],
                     sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(response.status == status, "\(response.text)", sourceLocation: sourceLocation)
        let message = try #require(try json(response)["error"] as? String, sourceLocation: sourceLocation)
        for fragment in fragments {
            #expect(message.contains(fragment), "'\(message)' should mention '\(fragment)'", sourceLocation: sourceLocation)
        }
    }

    @Test func malformedRequestsAreAnswered400AndNothingElseChanges() throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        try TestModels.file(name: "cnn", version: 1, architecture: TestModels.cnn).write(to: daemon.modelPath("cnn.inferd"))
        try daemon.start(["--max-body", "65536"])
        let client = daemon.client()
        let infer = "/v2/models/cnn/infer"

        try expectError(client.post(infer, json: "{\"inputs\": [{"), 400, mentioning: ["malformed JSON"])
        try expectError(client.post(infer, json: "{}"), 400, mentioning: ["missing field 'inputs'"])
        for broken in [#"{"inputs": [1,]}"#, #"{"inputs": 01}"#, #"{"inputs": ["\x"]}"#, #"[1] 2"#, #"{"inputs": [tru]}"#] {
            try expectError(client.post(infer, json: broken), 400, mentioning: ["malformed JSON", "at byte"])
        }
        try expectError(client.post(infer, json: #"{"inputs": {}}"#), 400, mentioning: ["field 'inputs' is an object; expected an array"])
        try expectError(client.post(infer, json: #"{"inputs":[{"name":"input","shape":[1,1.5],"datatype":"FP32"}]}"#),
                        400, mentioning: ["field 'inputs.[0].shape.[1]' is a number; expected an integer"])
        try expectError(client.post(infer, json: """
            {"inputs":[{"name":"pixels","shape":[1,1,28,28],"datatype":"FP32","data":\(Self.image)}]}
            """), 400, mentioning: ["unknown input 'pixels'", "expects input 'input'"])
        try expectError(client.post(infer, json: """
            {"inputs":[{"name":"input","shape":[1,1,28,28],"datatype":"INT32","data":\(Self.image)}]}
            """), 400, mentioning: ["datatype INT32", "expected FP32"])
        try expectError(client.post(infer, json: """
            {"inputs":[{"name":"input","shape":[1,28,28],"datatype":"FP32","data":\(Self.image)}]}
            """), 400, mentioning: ["shape [1, 28, 28]", "expected [-1, 1, 28, 28]"])
        try expectError(client.post(infer, json: """
            {"inputs":[{"name":"input","shape":[2,1,28,28],"datatype":"FP32","data":\(Self.image)}]}
            """), 400, mentioning: ["784 elements", "needs 1568"])
        try expectError(client.post(infer, json: """
            {"inputs":[{"name":"input","shape":[1,1,28,28],"datatype":"FP32","data":\(Self.image)}],
             "outputs":[{"name":"logits"}]}
            """), 400, mentioning: ["unknown output 'logits'", "probabilities"])
        let nan = Self.image.replacingOccurrences(of: "[0.5,0.5,0.5,", with: "[0.5,0.5,\"NaN\",")
        try expectError(client.post(infer, json: """
            {"inputs":[{"name":"input","shape":[1,1,28,28],"datatype":"FP32","data":\(nan)}]}
            """), 400, mentioning: ["NaN or Inf at flat index 2"])
        let huge = Self.image.replacingOccurrences(of: "[0.5,0.5,0.5,", with: "[0.5,1e39,0.5,")
        try expectError(client.post(infer, json: """
            {"inputs":[{"name":"input","shape":[1,1,28,28],"datatype":"FP32","data":\(huge)}]}
            """), 400, mentioning: ["NaN or Inf at flat index 1", "beyond FP32's ±3.4e38"])

        // Binary path: a wrong byte count and an infinity are refused too.
        let header = #"{"inputs":[{"name":"input","shape":[1,1,28,28],"datatype":"FP32","parameters":{"binary_data_size":3136}}]}"#
        var short = Array(header.utf8) + [UInt8](repeating: 0, count: 100)
        try expectError(client.send(method: .POST, path: infer, headers: [("inference-header-content-length", "\(header.utf8.count)")],
                                    body: short), 400, mentioning: ["100 bytes", "declare 3136"])
        var pixels = [Float](repeating: 0.1, count: 784)
        pixels[700] = .infinity
        short = Array(header.utf8)
        pixels.withUnsafeBytes { short += $0 }
        try expectError(client.send(method: .POST, path: infer, headers: [("inference-header-content-length", "\(header.utf8.count)")],
                                    body: short), 400, mentioning: ["flat index 700"])
        try expectError(client.send(method: .POST, path: infer, headers: [("inference-header-content-length", "99999")],
                                    body: short), 400, mentioning: ["Inference-Header-Content-Length"])

        try expectError(client.post("/v2/models/nosuch/infer", json: "{}"), 404, mentioning: ["unknown model 'nosuch'"])
        try expectError(client.get("/v2/models/nosuch"), 404, mentioning: ["nosuch"])
        try expectError(client.get("/v2/models/cnn/versions/9"), 404, mentioning: ["model 'cnn' version '9' is not served; version 1 is"])
        try expectError(client.get("/v2/nothing/here"), 404, mentioning: ["no endpoint GET /v2/nothing/here"])
        try expectError(client.post(infer, json: String(repeating: " ", count: 70_000)), 413, mentioning: ["limit of 65536 bytes"])

        let afterwards = daemon.client()
        #expect(try afterwards.get("/v2/health/ready").status == 200)
        #expect(try afterwards.infer(model: "cnn", input: TestModels.input(count: 784), shape: [1, 1, 28, 28]).count == 10)
    }

    /// The whole answer to HTTP that NIO's parser refuses, `why` in the parser's words.
    static func malformedHTTPAnswer(_ why: String) -> String {
        let body = #"{"error":"malformed HTTP request: \#(why)"}"#
        return "HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: \(body.utf8.count)\r\n"
            + "connection: close\r\n\r\n\(body)"
    }

    @Test func malformedHTTPIsAnswered400WithItsErrorAndClosedAfterTheAnswersBeforeIt() throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        try daemon.start()
        for (request, why) in [("NOT HTTP AT ALL\r\n\r\n", "invalid HTTP method"),
                               ("POST /v2 HTTP/1.1\r\nContent-Length: ten\r\n\r\n", "invalid character in content-length header")] {
            let garbage = try RawConnection(path: daemon.socketPath)
            try garbage.send(request)
            let answer = garbage.readAll(timeoutSeconds: 5)
            #expect(answer == Self.malformedHTTPAnswer(why), "\(answer)")
        }

        let pipelined = try RawConnection(path: daemon.socketPath)
        try pipelined.send("GET /v2/health/live HTTP/1.1\r\nHost: x\r\n\r\nGARBAGE\r\n\r\n")
        let answers = pipelined.readAll(timeoutSeconds: 5)
        #expect(answers.hasPrefix("HTTP/1.1 200 OK\r\n"), "\(answers)")
        #expect(answers.hasSuffix("\r\n\r\n" + Self.malformedHTTPAnswer("invalid HTTP method")), "\(answers)")
        #expect(try daemon.client().get("/v2/health/live").status == 200)

        // A refused peer's garbage gets the same answer.
        let refusing = try DaemonProcess()
        defer { refusing.stop() }
        try refusing.start(["--allow-uid", String(getuid() &+ 12345)], probe: false)
        let refused = try RawConnection(path: refusing.socketPath)
        try refused.send("NOT HTTP AT ALL\r\n\r\n")
        let answer = refused.readAll(timeoutSeconds: 5)
        #expect(answer == Self.malformedHTTPAnswer("invalid HTTP method"), "\(answer)")
    }

    @Test func headIsAnsweredLikeGetWithoutTheBodyAndAWrongMethodGets405() throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        try TestModels.file(name: "mlp", version: 1, architecture: TestModels.mlp).write(to: daemon.modelPath("mlp.inferd"))
        try daemon.start()
        func exchange(_ request: String) throws -> String {
            let connection = try RawConnection(path: daemon.socketPath)
            try connection.send(request + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            return connection.readAll(timeoutSeconds: 5)
        }
        let metadata = try daemon.client().get("/v2/models/mlp")
        let head = try exchange("HEAD /v2/models/mlp")
        #expect(head.hasPrefix("HTTP/1.1 200 OK\r\n"), "\(head)")
        #expect(head.contains("content-length: \(metadata.body.count)\r\n") && head.hasSuffix("\r\n\r\n"),
                "the GET's length, no body: \(head)")

        let delete = try exchange("DELETE /v2/models/mlp/infer")
        #expect(delete.hasPrefix("HTTP/1.1 405 Method Not Allowed\r\n") && delete.contains("allow: POST\r\n"), "\(delete)")
        #expect(delete.contains(#"{"error":"/v2/models/mlp/infer does not take DELETE; it takes POST"}"#), "\(delete)")
        let get = try exchange("GET /v2/repository/reload")
        #expect(get.hasPrefix("HTTP/1.1 405") && get.contains("allow: POST\r\n"), "\(get)")
        let post = try exchange("POST /v2/health/live")
        #expect(post.hasPrefix("HTTP/1.1 405") && post.contains("allow: GET, HEAD\r\n"), "\(post)")
        #expect(try exchange("PUT /v2/nothing").hasPrefix("HTTP/1.1 404"))
    }

    @Test func escapedModelNamesAreDecoded() throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        try TestModels.file(name: "mlp", version: 1, architecture: TestModels.mlp).write(to: daemon.modelPath("mlp.inferd"))
        try daemon.start()
        let client = daemon.client()
        #expect(try client.get("/v2/models/%6Dlp").status == 200)
        #expect(try client.get("/v2/models/m%6cp/ready").status == 200)
        let infer = #"{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[1,2,3,4]}]}"#
        #expect(try client.post("/v2/models/%6Dlp/infer", json: infer).status == 200)
        try expectError(client.get("/v2/models/mlp%zz"), 404, mentioning: ["unknown model 'mlp%zz'"])
    }

    /// Names, datatypes and shapes in errors are the client's own text: the answer (and the log
    /// line) is bounded and its control characters escaped, and a shape longer than any model's
    /// is refused before it is echoed.
    @Test func errorsEchoTheClientsTextBoundedAndEscaped() throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        try TestModels.file(name: "mlp", version: 1, architecture: TestModels.mlp).write(to: daemon.modelPath("mlp.inferd"))
        try daemon.start()
        let client = daemon.client()
        let datatype = "FP16\\nforged log line" + String(repeating: "F", count: 100_000)
        let answer = try client.post("/v2/models/mlp/infer", json: """
            {"inputs":[{"name":"input","shape":[1,4],"datatype":"\(datatype)","data":[1,2,3,4]}]}
            """)
        try expectError(answer, 400, mentioning: ["datatype FP16\\u{a}forged log line", "more characters)"])
        let message = try #require(try json(answer)["error"] as? String)
        #expect(message.unicodeScalars.count < 1_100 && !message.contains("\n"), "\(message.unicodeScalars.count) characters")

        let shape = Array(repeating: "1", count: 100_000).joined(separator: ",")
        try expectError(client.post("/v2/models/mlp/infer", json: """
            {"inputs":[{"name":"input","shape":[\(shape)],"datatype":"FP32","data":[1,2,3,4]}]}
            """), 400, mentioning: ["field 'inputs.[0].shape' has 100000 dimensions; at most 8"])
    }

    /// Stalled in the body, or halfway through the head.
    @Test(arguments: ["POST /v2/models/cnn/infer HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{\"inp",
                      "POST /v2/models/cnn/infer HTTP/1.1\r\nHost: x\r\n"])
    func stalledClientTimesOutAndOthersAreServed(sentBeforeStalling: String) throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        try daemon.start(["--request-timeout", "1", "--idle-timeout", "1"])
        let stalled = try RawConnection(path: daemon.socketPath)
        try stalled.send(sentBeforeStalling)
        let answer = stalled.readAll(timeoutSeconds: 5)
        #expect(answer.hasPrefix("HTTP/1.1 408"), "\(answer)")
        let idle = try RawConnection(path: daemon.socketPath)
        #expect(idle.readAll(timeoutSeconds: 5).isEmpty, "an idle connection is closed without a word")
        #expect(try daemon.client().get("/v2/health/live").status == 200)
    }

    @Test func aHeadArrivingInPiecesIsServedPastTheIdleTimeout() throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        try daemon.start(["--idle-timeout", "1", "--request-timeout", "30"])
        let slow = try RawConnection(path: daemon.socketPath)
        for piece in ["GET /v2/health/live HTTP/1.1\r\n", "Host: x\r\n", "Connection: close\r\n", "\r\n"] {
            try slow.send(piece)
            usleep(600_000)
        }
        let answer = slow.readAll(timeoutSeconds: 5)
        #expect(answer.hasPrefix("HTTP/1.1 200 OK\r\n"), "1.8 s of pieces, none more than 0.6 s apart: \(answer)")
    }

    @Test func aHeadSentAByteAtATimeGetsA408FromItsFirstByte() throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        try daemon.start(["--idle-timeout", "1", "--request-timeout", "2"])
        let dribbling = try RawConnection(path: daemon.socketPath)
        let started = ContinuousClock.now
        var answer = ""
        for byte in "POST /v2/models/cnn/infer HTTP/1.1\r\nHost: x\r\n".utf8 where answer.isEmpty {
            _ = dribbling.sendWithoutBlocking([byte][...])
            answer = String(decoding: dribbling.readAvailable(timeoutMilliseconds: 300), as: UTF8.self)
        }
        answer += dribbling.readAll(timeoutSeconds: 2)
        #expect(answer.hasPrefix("HTTP/1.1 408"), "a byte every 0.3 s: \(answer)")
        #expect(answer.contains("within 2 s"), "\(answer)")
        #expect(ContinuousClock.now - started < .seconds(4), "the deadline counts from the head's first byte")
    }

    @Test func aRequestAskingToSwitchProtocolsIsAnsweredAndTheConnectionCloses() throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        try daemon.start()
        let connection = try RawConnection(path: daemon.socketPath)
        try connection.send("GET /v2/health/live HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                            + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n\r\n")
        let answer = connection.readAll(timeoutSeconds: 5)
        #expect(answer.hasPrefix("HTTP/1.1 200 OK\r\n"), "\(answer)")
        #expect(answer.contains("connection: close\r\n"), "the client learns to open a new connection: \(answer)")
        #expect(try daemon.client().get("/v2/health/live").status == 200)
    }

    /// Each body used to stay until its request deadline (30 s) fired. What stays now is at most
    /// one body's pages that glibc keeps for reuse at the top of an event loop's heap (about 9 MB).
    @Test func closedClientsUnfinishedBodiesAreFreedAtOnce() throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        try daemon.start()
        let started = try daemon.residentKilobytes()
        let half = [UInt8](repeating: UInt8(ascii: "0"), count: 8 << 20)
        for _ in 0..<12 {
            let connection = try RawConnection(path: daemon.socketPath)
            try connection.send("POST /v2/models/cnn/infer HTTP/1.1\r\nHost: x\r\nContent-Length: \(2 * half.count)\r\n\r\n")
            try connection.send(half)
            _ = connection.readAvailable(timeoutMilliseconds: 100)
        }
        Thread.sleep(forTimeInterval: 1)
        let after = try daemon.residentKilobytes()
        #expect(after - started < 24 << 10,
                "VmRSS \(started) kB at start, \(after) kB 1 s after twelve clients closed with 8 MB of their bodies sent")
    }

    @Test func connectionsBeyondTheCapAreRefused() throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        try daemon.start(["--max-connections", "2"])
        let first = try admittedClient(daemon), second = try admittedClient(daemon)
        let third = try daemon.client().get("/v2/health/live")
        #expect(third.status == 503)
        #expect(third.header("retry-after") == "1")
        #expect(third.text.contains("connection limit of 2"))
        #expect(try first.get("/v2/health/live").status == 200)

        // A refused peer that sends nothing is closed on the daemon's own initiative, within the grace.
        let silent = try RawConnection(path: daemon.socketPath)
        let opened = ContinuousClock.now
        #expect(silent.readAll(timeoutSeconds: 10).isEmpty)
        #expect(ContinuousClock.now - opened < .seconds(5), "a silent refused connection is closed after about 1 s")
        #expect(try second.get("/v2/health/live").status == 200)
    }

    /// A client whose connection the daemon took in. The start probe's connection counts against the
    /// cap until the daemon has seen it close, which can lag behind the test on a busy machine.
    private func admittedClient(_ daemon: DaemonProcess) throws -> InferenceClient {
        for _ in 0..<250 {
            let client = daemon.client()
            if try client.get("/v2/health/live").status == 200 { return client }
            usleep(20_000)
        }
        throw DaemonError.notReady("no connection admitted within 5 s")
    }

    @Test func peersOutsideTheAllowlistAreRefused() throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        let me = getuid()
        try daemon.start(["--allow-uid", String(me &+ 12345)], probe: false)
        let refused = try daemon.client().get("/v2/health/live")
        #expect(refused.status == 403)
        #expect(refused.text.contains("peer uid \(me)"))
        let allowed = try DaemonProcess()
        defer { allowed.stop() }
        try allowed.start(["--allow-uid", String(me &+ 12345), "--allow-uid", String(me)])
        #expect(try allowed.client().get("/v2/health/live").status == 200)
    }

    /// Another user (nobody, through `setpriv`) holds idle connections it may not use: they must
    /// not count against the cap, or any member of the socket's group could lock allowed peers out.
    @Test(.enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"),
                   "switching to another user takes root and setpriv"))
    func refusedPeersDoNotTakeTheAllowedPeersConnections() throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        try daemon.start(["--allow-uid", String(getuid()), "--max-connections", "2"])
        #expect(chmod(daemon.socketPath, 0o666) == 0 && chmod(daemon.directory.path, 0o755) == 0)
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        holder.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/python3", "-c", """
            import socket, sys, time
            held = []
            for _ in range(8):
                s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); held.append(s)
            print("holding", flush=True)
            time.sleep(0.8)
            """, daemon.socketPath]
        let output = Pipe()
        holder.standardOutput = output
        try holder.run()
        defer { holder.waitUntilExit() }
        let said = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        try #require(said.hasPrefix("holding"), "the other user could not connect: \(said)")

        let answer = try daemon.client().get("/v2/health/live")
        #expect(answer.status == 200, "\(answer.status): \(answer.text)")
    }
}
