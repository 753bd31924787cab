import Foundation
import Logging
import Server
import Testing

/// What a daemon does with a `--socket` path that already exists, and which socket file it removes
/// when it stops.
@Suite struct SocketPathTests {
    @Test func secondDaemonOnALiveSocketRefusesToStartAndTheFirstKeepsServing() throws {
        let first = try DaemonProcess()
        defer { first.stop() }
        try TestModels.file(name: "mlp", version: 1, architecture: TestModels.mlp).write(to: first.modelPath("mlp.inferd"))
        try first.start()

        let second = try DaemonProcess(socketPath: first.socketPath)
        let status = try second.runToExit(within: 10)

        #expect(second.process.terminationReason == .exit)
        #expect(status == 3)
        let refusal = second.stderrText()
        #expect(refusal.contains("another daemon is already listening on \(first.socketPath)"))
        #expect(refusal.split(separator: "\n").count == 1)
        #expect(try first.client().get("/v2/health/ready").status == 200)
    }

    @Test func staleSocketLeftByADeadProcessIsReplacedAndServed() throws {
        let daemon = try DaemonProcess()
        defer { daemon.stop() }
        try TestModels.file(name: "mlp", version: 1, architecture: TestModels.mlp).write(to: daemon.modelPath("mlp.inferd"))
        try bindAndAbandon(daemon.socketPath)

        try daemon.start()

        #expect(try daemon.client().get("/v2/health/ready").status == 200)
    }

    @Test func regularFileAtTheSocketPathIsLeftAloneAndStartupFails() throws {
        let daemon = try DaemonProcess()
        let precious = Data("not a socket\n".utf8)
        try precious.write(to: URL(fileURLWithPath: daemon.socketPath))

        let status = try daemon.runToExit(within: 10)

        #expect(daemon.process.terminationReason == .exit)
        #expect(status == 3)
        #expect(daemon.stderrText().contains("\(daemon.socketPath) exists and is not a socket"))
        #expect(FileManager.default.contents(atPath: daemon.socketPath) == precious)
    }

    @Test func stoppingDaemonLeavesAloneTheSocketAnotherDaemonBoundAtItsPath() throws {
        let first = try DaemonProcess()
        defer { first.stop() }
        try first.start()
        unlink(first.socketPath)
        let second = try DaemonProcess(socketPath: first.socketPath)
        defer { second.stop() }
        try second.start()

        #expect(first.stop() == 0)

        #expect(FileManager.default.fileExists(atPath: first.socketPath))
        #expect(try second.client().get("/v2/health/ready").status == 200)
    }

    @Test func socketActivatedServerNeitherBindsNorRemovesTheConfiguredPath() throws {
        let scratch = try DaemonProcess()  // for its temporary directories only
        let configuredPath = scratch.directory.appendingPathComponent("configured.sock").path
        let precious = Data("not a socket\n".utf8)
        try precious.write(to: URL(fileURLWithPath: configuredPath))
        let activatedPath = scratch.directory.appendingPathComponent("activated.sock").path
        let inherited = try listeningSocket(at: activatedPath)
        let configuration = ServerConfiguration(socketPath: configuredPath, modelsDirectory: scratch.modelsDirectory.path, workers: 1)
        let server = try InferenceServer(configuration: configuration, logger: Logger(label: "test"))

        try server.start(inheritedSocket: inherited)
        #expect(try InferenceClient(socketPath: activatedPath).get("/v2/health/ready").status == 200)
        server.shutdown()

        #expect(FileManager.default.contents(atPath: configuredPath) == precious)
        #expect(FileManager.default.fileExists(atPath: activatedPath))
    }

    /// Binds a Unix socket at `path` and closes it without unlinking, as a killed daemon leaves it.
    private func bindAndAbandon(_ path: String) throws {
        close(try listeningSocket(at: path))
    }

    /// A listening Unix socket bound at `path`, as a service manager passes one in.
    private func listeningSocket(at path: String) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        let bound = withUnixSocketAddress(path) { bind(fd, $0, $1) } ?? -1
        try #require(bound == 0)
        try #require(listen(fd, 16) == 0)
        return fd
    }
}
