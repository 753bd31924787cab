import Foundation
import Server
import Testing

/// A client that pipelines requests and never reads the answers is held back by the socket
/// buffers, not by the daemon's memory; once it reads, every answer arrives.
@Suite struct BackpressureTests {
    /// One request sent over and over on one connection, to a daemon started with `arguments`.
    struct Pipelined: CustomTestStringConvertible, Sendable {
        let name: String
        let arguments: [String]
        let request: String
        /// Found in every answer's body, when given.
        let answerMentions: String?
        var testDescription: String { name }
    }

    static let infer = #"{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[1,2,3,4]}]}"#
    static let loads = [
        Pipelined(name: "health, inline", arguments: [], request: "GET /v2/health/live HTTP/1.1\r\nHost: x\r\n\r\n",
                  answerMentions: nil),
        Pipelined(name: "metadata, inline", arguments: [], request: "GET /v2/models/mlp HTTP/1.1\r\nHost: x\r\n\r\n",
                  answerMentions: "\"name\":\"mlp\""),
        Pipelined(name: "JSON infer, batching", arguments: ["--max-batch", "4"],
                  request: "POST /v2/models/mlp/infer HTTP/1.1\r\nHost: x\r\nContent-Length: \(infer.utf8.count)\r\n\r\n\(infer)",
                  answerMentions: "probabilities"),
    ]

    /// How much the daemon's resident size may grow while one client pipelines without reading: the
    /// answers to one read burst (up to 16 reads of 64 KiB: 22,000 metadata requests took 16.6 MB).
    static let boundKilobytes = 32 * 1024
    /// How much of that growth may stay once the client closed (0.2-1.7 MB stayed; 6.7-18.6 MB
    /// without the heap trim after a held-back connection).
    static let keptKilobytes = 4 * 1024
    /// How much of the client's requests the daemon may take: a read burst (16 reads of up to
    /// 64 KiB), another one the HTTP pipelining handler may release while batching, and the socket
    /// buffers (taken: 1.0 MB of health or metadata requests, 1.4 MB of infer requests).
    static let takenBytes = 3 << 20

    @Test(arguments: loads)
    func aClientThatDoesNotReadIsHeldBackAndGetsEveryAnswerOnceItReads(_ load: Pipelined) throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        try TestModels.file(name: "mlp", version: 1, architecture: TestModels.mlp).write(to: daemon.modelPath("mlp.inferd"))
        try daemon.start(load.arguments)
        let started = try daemon.residentKilobytes()

        var connection: RawConnection? = try RawConnection(path: daemon.socketPath)
        let request = Array(load.request.utf8)
        let burst = Array([[UInt8]](repeating: request, count: 1000).joined())
        // Six seconds of sending whatever the socket takes.
        var sentBytes = 0
        var peak = started
        let start = ContinuousClock.now
        var sampled = start
        while ContinuousClock.now - start < .seconds(6), peak - started <= Self.boundKilobytes,
              sentBytes <= Self.takenBytes {
            let count = connection!.sendWithoutBlocking(burst[(sentBytes % burst.count)...])
            sentBytes += count
            if count == 0 { _ = connection!.wait(for: Int16(POLLOUT), timeoutMilliseconds: 50) }
            if ContinuousClock.now - sampled >= .milliseconds(50) {
                peak = max(peak, try daemon.residentKilobytes())
                sampled = .now
            }
        }
        try #require(peak - started <= Self.boundKilobytes,
                     "VmRSS \(started) kB at start, \(peak) kB after \(sentBytes / request.count) pipelined requests")
        try #require(sentBytes <= Self.takenBytes, "the daemon kept reading from a client that reads no answer")
        #expect(try daemon.client().get("/v2/health/live").status == 200, "other clients are answered meanwhile")

        // Reading now: every request sent (the last one finished first) gets its 200.
        let requests = (sentBytes + request.count - 1) / request.count
        var unsent = requests * request.count - sentBytes
        var answers = ResponseStream()
        let deadline = ContinuousClock.now + .seconds(60)
        while answers.count < requests, ContinuousClock.now < deadline {
            if unsent > 0 {
                let offset = sentBytes % burst.count
                let count = connection!.sendWithoutBlocking(burst[offset..<offset + unsent])
                sentBytes += count
                unsent -= count
            }
            answers.append(connection!.readAvailable(timeoutMilliseconds: 100))
        }
        #expect(answers.statusCounts == [200: requests], "\(requests) requests sent, VmRSS peak \(peak - started) kB over the start")
        if let mention = load.answerMentions {
            #expect(String(decoding: answers.lastBody, as: UTF8.self).contains(mention))
        }
        #expect(try daemon.client().get("/v2/health/live").status == 200)

        connection = nil
        Thread.sleep(forTimeInterval: 0.5)
        let closed = try daemon.residentKilobytes()
        #expect(closed - started <= Self.keptKilobytes, "VmRSS \(started) kB at start, \(closed) kB after the client closed")
    }

    /// Clients that pipeline requests and hang up without reading leave freed heap behind (glibc
    /// keeps it); once the daemon is idle, its status tick (every 5 s) hands it back.
    @Test func theHeapChurningClientsFreedGoesBackOnceIdle() throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        try TestModels.file(name: "mlp", version: 1, architecture: TestModels.mlp).write(to: daemon.modelPath("mlp.inferd"))
        try daemon.start()
        let started = try daemon.residentKilobytes()
        let request = "POST /v2/models/mlp/infer HTTP/1.1\r\nHost: x\r\nContent-Length: \(Self.infer.utf8.count)\r\n\r\n\(Self.infer)"
        let pipelined = String(repeating: request, count: 3)
        for _ in 0..<2_000 {
            let connection = try RawConnection(path: daemon.socketPath)
            try connection.send(pipelined)
        }
        Thread.sleep(forTimeInterval: 0.5)
        let churned = try daemon.residentKilobytes()
        Thread.sleep(forTimeInterval: 6)
        let idle = try daemon.residentKilobytes()
        #expect(idle - started < 8 << 10,
                "VmRSS \(started) kB at start, \(churned) kB after 2,000 churning clients, \(idle) kB 6 s later")
    }
}
