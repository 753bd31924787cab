import Engine
import Foundation
import Server
import Testing

/// `--busy-poll-us`: after an answer the worker polls its connections instead of sleeping, while
/// requests keep arriving within the window.
@Suite struct BusyPollTests {
    @Test func connectionsSharingOnePollingWorkerGetTheirOwnAnswersAndTheNextRequestIsCaught() throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        let file = try TestModels.file(name: "cnn", version: 1, architecture: TestModels.cnn)
        try file.write(to: daemon.modelPath("cnn.inferd"))
        // One worker, so all three connections share one event loop and its poller; a 5 ms window
        // is far longer than a test client needs to send its next request, even on a loaded machine.
        try daemon.start(["--workers", "1", "--busy-poll-us", "5000"])
        let model = try Model(architecture: file.architecture, weights: file.weights)
        let clients = (0..<3).map { _ in daemon.client() }
        let inputs = (0..<3).map { TestModels.input(count: 784, seed: $0 + 1) }
        let expected = try inputs.map { try model.run($0) }
        for round in 0..<60 {
            let index = round % 3
            let output = try clients[index].infer(model: "cnn", input: inputs[index], shape: [1, 1, 28, 28])
            #expect(output == expected[index], "round \(round), connection \(index)")
        }
        let metrics = try daemon.client().get("/metrics").text
        let caught = metrics.split(separator: "\n")
            .first { $0.hasPrefix("inferd_busy_polls_total{outcome=\"caught\"}") }
            .flatMap { Int($0.split(separator: " ").last ?? "") } ?? 0
        #expect(caught > 0, "no request was picked up by busy polling:\n\(metrics)")
        #expect(!daemon.stderrText().contains("busy polling unavailable"), "\(daemon.stderrText())")
        #expect(daemon.stop() == 0)
    }

    @Test(arguments: [
        (["--busy-poll-us", "200"], 0.02),   // requests 20 ms apart: longer than the window
        (["--busy-poll-us", "0"], 0.0),      // back to back, but busy polling is off
    ])
    func noPollingAfterPausesLongerThanTheWindowOrWhenOff(flags: [String], pause: Double) throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        try TestModels.file(name: "mlp", version: 1, architecture: TestModels.mlp).write(to: daemon.modelPath("mlp.inferd"))
        try daemon.start(["--workers", "1"] + flags)
        let client = daemon.client()
        for _ in 0..<10 {
            _ = try client.infer(model: "mlp", input: [1, 2, 3, 4], shape: [1, 4])
            Thread.sleep(forTimeInterval: pause)
        }
        let polls = try daemon.client().get("/metrics").text.split(separator: "\n")
            .filter { $0.hasPrefix("inferd_busy_polls_total{") }
            .compactMap { Int($0.split(separator: " ").last ?? "") }
        #expect(polls.allSatisfy { $0 == 0 }, "\(polls)")
    }

    @Test func theWindowIsBoundedAndZeroTurnsItOff() {
        #expect(ServerConfiguration().busyPollMicroseconds == 100)
        #expect(throws: ServerError.invalidConfiguration("busy-poll-us must be 0...10000, found 20000")) {
            try ServerConfiguration(busyPollMicroseconds: 20_000).validate()
        }
        #expect(throws: Never.self) { try ServerConfiguration(busyPollMicroseconds: 0).validate() }
        #expect(throws: Never.self) { try ServerConfiguration(maxBatch: 8, busyPollMicroseconds: 100).validate() }
    }
}
