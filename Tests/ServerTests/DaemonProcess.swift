import Foundation
import Server

/// An `inferd` subprocess on a fresh socket and models directory, stopped with SIGTERM on `stop()`.
final class DaemonProcess {
    let directory: URL
    let modelsDirectory: URL
    let socketPath: String
    let process = Process()

    /// The built `inferd`, next to the test bundle (`swift build --build-tests` builds every product there).
    static var executable: URL { product("inferd") }

    /// The built executable `name` of this package, next to the test bundle.
    static func product(_ name: String) -> URL {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = bundle.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        let selfExe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        return selfExe.appendingPathComponent(name)
    }

    /// Makes a temporary directory with a `models/` folder; write models there before `start`.
    /// The socket is `inferd.sock` in that directory unless `socketPath` names another.
    init(socketPath: String? = nil) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("inferd-test-\(UUID().uuidString.prefix(8))")
        modelsDirectory = directory.appendingPathComponent("models")
        try FileManager.default.createDirectory(at: modelsDirectory, withIntermediateDirectories: true)
        self.socketPath = socketPath ?? directory.appendingPathComponent("inferd.sock").path
    }

    func modelPath(_ file: String) -> String { modelsDirectory.appendingPathComponent(file).path }

    /// Starts inferd with `arguments` added and waits until the socket answers `/v2/health/ready`
    /// (or, with `probe` false, until the socket accepts connections).
    func start(_ arguments: [String] = [], probe: Bool = true) throws {
        try launch(arguments)
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if !probe, FileManager.default.fileExists(atPath: socketPath), (try? RawConnection(path: socketPath)) != nil {
                return
            }
            if probe, FileManager.default.fileExists(atPath: socketPath),
               let response = try? InferenceClient(socketPath: socketPath).get("/v2/health/ready"), response.status == 200 {
                return
            }
            guard process.isRunning else { throw DaemonError.exited(process.terminationStatus, stderrText()) }
            usleep(20_000)
        }
        throw DaemonError.notReady(stderrText())
    }

    /// Runs inferd with `arguments` added, expecting it to exit by itself within `seconds`;
    /// returns its exit status (SIGKILL's status when it had to be killed).
    func runToExit(_ arguments: [String] = [], within seconds: TimeInterval = 20) throws -> Int32 {
        try launch(arguments)
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Starts inferd with `arguments` added (a later `--log-level` wins) and returns at once.
    func launch(_ arguments: [String]) throws {
        process.executableURL = Self.executable
        process.arguments = ["--socket", socketPath, "--models", modelsDirectory.path, "--log-level", "warning"] + arguments
        let log = directory.appendingPathComponent("inferd.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
    }

    func client() -> InferenceClient { InferenceClient(socketPath: socketPath) }

    /// SIGTERM, then waits; returns the exit status.
    @discardableResult
    func stop() -> Int32 {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        return process.terminationStatus
    }

    /// The daemon's resident size (VmRSS of /proc/<pid>/status), in kB.
    func residentKilobytes() throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kilobytes = Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]) else {
            throw DaemonError.notReady("no VmRSS in /proc/\(process.processIdentifier)/status")
        }
        return kilobytes
    }

    /// What inferd logged so far.
    func stderrText() -> String {
        (try? String(contentsOf: directory.appendingPathComponent("inferd.log"), encoding: .utf8)) ?? ""
    }

    deinit {
        if process.isRunning { process.terminate(); process.waitUntilExit() }
        try? FileManager.default.removeItem(at: directory)
    }
}

enum DaemonError: Error, CustomStringConvertible {
    case exited(Int32, String)
    case notReady(String)

    var description: String {
        switch self {
        case let .exited(code, log): "inferd exited with \(code): \(log)"
        case let .notReady(log): "inferd did not become ready: \(log)"
        }
    }
}
