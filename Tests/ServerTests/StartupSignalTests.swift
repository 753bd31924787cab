import Engine
import Foundation
import Server
import Testing

/// Signals that arrive while inferd is still loading its models.
@Suite struct StartupSignalTests {
    /// Eight 1×1 convolutions over a 1536×1536 input: a few bytes of weights that take inferd a
    /// noticeable time to load (buffers and a trial run), so a signal can land mid-load.
    static let slowToLoad = Architecture(inputShape: [1, 1536, 1536], layers: (0..<8).map { index in
        Layer.conv2d(Conv2D(name: "c\(index)", outChannels: 1, kernel: [1, 1], activation: .relu))
    } + [
        .maxPool2d(MaxPool2D(name: "pool", kernel: [1536, 1536], stride: [1536, 1536])),
        .flatten(name: "flatten"),
        .dense(Dense(name: "fc", outFeatures: 3)),
        .softmax(name: "softmax"),
    ])

    @Test func aSIGHUPWhileModelsLoadIsAnsweredWithAReloadOnceServing() throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        try TestModels.file(name: "a-first", version: 1, architecture: TestModels.mlp).write(to: daemon.modelPath("a-first.inferd"))
        try TestModels.file(name: "b-slow", version: 1, architecture: Self.slowToLoad).write(to: daemon.modelPath("b-slow.inferd"))
        try daemon.launch(["--log-level", "info"])

        let deadline = Date().addingTimeInterval(120)
        while !daemon.stderrText().contains("model=a-first"), daemon.process.isRunning, Date() < deadline { usleep(2_000) }
        kill(daemon.process.processIdentifier, SIGHUP)
        let logAtSignal = daemon.stderrText()
        try #require(!logAtSignal.contains("] ready"), "the signal came after the load; nothing was tested: \(logAtSignal)")

        while !daemon.stderrText().contains("SIGHUP: reloading models"), daemon.process.isRunning, Date() < deadline {
            usleep(20_000)
        }
        #expect(daemon.process.isRunning, "inferd died: \(daemon.stderrText())")
        let log = daemon.stderrText()
        let ready = try #require(log.range(of: "] ready")), reload = try #require(log.range(of: "SIGHUP: reloading models"))
        #expect(ready.lowerBound < reload.lowerBound, "the reload follows the start: \(log)")
        #expect(try daemon.client().get("/v2/models/b-slow/ready").status == 200)
        #expect(daemon.stop() == 0)
    }
}
