import Foundation
import Server
import Testing

/// `Expect: 100-continue`, which curl sends with bodies over 1 MB before waiting up to a second for
/// an answer: the daemon answers 100 at once, or its final error when the body cannot change it.
@Suite struct ExpectContinueTests {
    static let body = #"{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[1,2,3,4]}]}"#

    static func head(_ path: String, length: Int, version: String = "HTTP/1.1") -> String {
        "POST \(path) \(version)\r\nHost: x\r\nContent-Length: \(length)\r\nExpect: 100-continue\r\n\r\n"
    }

    /// What arrives within `seconds`, up to the end of the first head (or everything, with `whole`).
    static func read(_ connection: RawConnection, seconds: Double, whole: Bool = false) -> String {
        var received: [UInt8] = []
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let text = String(decoding: received, as: UTF8.self)
            if !whole, text.contains("\r\n\r\n") { break }
            let bytes = connection.readAvailable(timeoutMilliseconds: 20)
            if bytes.isEmpty, connection.wait(for: Int16(POLLHUP), timeoutMilliseconds: 0) { break }
            received += bytes
        }
        return String(decoding: received, as: UTF8.self)
    }

    @Test func theInterimAnswerComesAtOnceAndTheAnswerAfterTheBody() throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        try TestModels.file(name: "mlp", version: 1, architecture: TestModels.mlp).write(to: daemon.modelPath("mlp.inferd"))
        try daemon.start()
        let connection = try RawConnection(path: daemon.socketPath)
        for _ in 0..<2 {
            let sent = ContinuousClock.now
            try connection.send(Self.head("/v2/models/mlp/infer", length: Self.body.utf8.count))
            #expect(Self.read(connection, seconds: 2) == "HTTP/1.1 100 Continue\r\n\r\n")
            #expect(ContinuousClock.now - sent < .milliseconds(500), "curl would have waited 1 s")
            try connection.send(Self.body)
            var answers = ResponseStream()
            while answers.count == 0, case let bytes = connection.readAvailable(timeoutMilliseconds: 2000), !bytes.isEmpty {
                answers.append(bytes)
            }
            #expect(answers.statusCounts == [200: 1])
            #expect(String(decoding: answers.lastBody, as: UTF8.self).contains("probabilities"))
        }

        // A body sent along with the head needs no interim answer, and gets none.
        let eager = try RawConnection(path: daemon.socketPath)
        try eager.send(Self.head("/v2/models/mlp/infer", length: Self.body.utf8.count) + Self.body)
        #expect(Self.read(eager, seconds: 2).hasPrefix("HTTP/1.1 200 OK\r\n"))

        // HTTP/1.0 knows no 100: the expectation is ignored.
        let old = try RawConnection(path: daemon.socketPath)
        try old.send(Self.head("/v2/models/mlp/infer", length: Self.body.utf8.count, version: "HTTP/1.0"))
        #expect(Self.read(old, seconds: 0.3).isEmpty)
        try old.send(Self.body)
        #expect(Self.read(old, seconds: 2).hasPrefix("HTTP/1.0 200 OK\r\n"))
    }

    @Test func aBodyThatCannotHelpIsRefusedWithoutTheInterimAnswer() throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        try TestModels.file(name: "mlp", version: 1, architecture: TestModels.mlp).write(to: daemon.modelPath("mlp.inferd"))
        try daemon.start(["--max-body", "65536"])
        for (path, length, status, error) in [
            ("/v2/models/mlp/infer", 100_000, "413 Payload Too Large", "request body of 100000 bytes exceeds the limit of 65536 bytes"),
            ("/v2/models/nosuch/infer", 100, "404 Not Found", "unknown model 'nosuch'"),
        ] {
            let connection = try RawConnection(path: daemon.socketPath)
            try connection.send(Self.head(path, length: length))
            let answer = Self.read(connection, seconds: 2, whole: true)
            #expect(answer.hasPrefix("HTTP/1.1 \(status)\r\n"), "\(answer)")
            #expect(answer.hasSuffix("\r\n\r\n{\"error\":\"\(error)\"}"), "\(answer), then the connection closes")
        }
        #expect(try daemon.client().get("/v2/health/live").status == 200)
    }
}
