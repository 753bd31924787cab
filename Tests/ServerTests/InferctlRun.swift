import Foundation

/// One finished run of the built `inferctl`, with what it printed and how long it took.
struct InferctlRun {
    var status: Int32
    var stdout: String
    var stderr: String
    var seconds: Double
    /// False when inferctl was still running at the limit and had to be killed.
    var exited: Bool

    /// Runs `inferctl arguments`, its output going to `stdoutPath` instead when given; a run past
    /// `limit` seconds is killed, so a hang fails the test instead of stalling the suite.
    init(_ arguments: [String], stdoutPath: String? = nil, limit: TimeInterval = 15) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("inferctl-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("stdout"), err = directory.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let process = Process()
        process.executableURL = DaemonProcess.product("inferctl")
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.filter { $0.key != "INFERD_SOCKET" }
        process.standardOutput = try FileHandle(forWritingTo: stdoutPath.map { URL(fileURLWithPath: $0) } ?? out)
        process.standardError = try FileHandle(forWritingTo: err)
        let started = Date()
        try process.run()
        while process.isRunning, Date().timeIntervalSince(started) < limit { usleep(10_000) }
        exited = !process.isRunning
        if !exited { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        seconds = Date().timeIntervalSince(started)
        status = process.terminationStatus
        stdout = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
        stderr = (try? String(contentsOf: err, encoding: .utf8)) ?? ""
    }
}
