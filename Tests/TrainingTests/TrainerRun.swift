import Foundation

/// One finished run of the built `trainer`, with what it printed.
struct TrainerRun {
    var status: Int32
    var stdout: String
    var stderr: String

    /// Runs `trainer arguments` in `directory` (default: the current one), writing its output to
    /// `stdoutPath` instead when given; a run past `limit` seconds is killed, so a hang fails the
    /// test instead of stalling the suite.
    init(_ arguments: [String], in directory: URL? = nil, stdoutPath: String? = nil, limit: TimeInterval = 60) throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("trainer-run-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let out = scratch.appendingPathComponent("stdout"), err = scratch.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        process.standardOutput = try FileHandle(forWritingTo: stdoutPath.map { URL(fileURLWithPath: $0) } ?? out)
        process.standardError = try FileHandle(forWritingTo: err)
        let started = Date()
        try process.run()
        while process.isRunning, Date().timeIntervalSince(started) < limit { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        status = process.terminationStatus
        stdout = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
        stderr = (try? String(contentsOf: err, encoding: .utf8)) ?? ""
    }

    /// The built `trainer`, next to the test bundle (`swift build --build-tests` builds every product there).
    static var executable: URL {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("trainer")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("trainer")
    }

    /// A fresh empty directory under the temporary directory.
    static func scratchDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("trainer-test-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }
}
