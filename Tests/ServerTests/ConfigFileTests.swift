import Foundation
import Server
import Testing

/// The config file sets the same knobs as the flags, and every mistake names its line.
@Suite struct ConfigFileTests {
    @Test func everyKindOfValueIsRead() throws {
        var configuration = ServerConfiguration()
        try configuration.apply(configText: """
            # inferd.toml
            socket = "/run/inferd.sock"
            workers = 2
            max_batch = 8            # underscores work as in the flags' dashes
            allow-uid = [0, 1000]
            trusted-keys = ["/etc/inferd/a.pub", "/etc/inferd/b.pub"]
            busy-poll-us = 150
            """)
        #expect(configuration.socketPath == "/run/inferd.sock")
        #expect(configuration.workers == 2)
        #expect(configuration.maxBatch == 8)
        #expect(configuration.allowUIDs == [0, 1000])
        #expect(configuration.trustedKeyFiles == ["/etc/inferd/a.pub", "/etc/inferd/b.pub"])
        #expect(configuration.busyPollMicroseconds == 150)
    }

    @Test(arguments: [
        ("workers = 2\nspeed = 3", "inferd.toml:2: unknown key 'speed'"),
        ("workers = \"two\"", "inferd.toml:1: workers must be an integer, found string"),
        ("socket = \"/run/a.sock\"\ntrusted-keys = \"a.pub\"", "inferd.toml:2: trusted-keys must be an array of strings"),
        ("allow-uid = [0, -1]", "inferd.toml:1: allow-uid must be an array of integer ids"),
        ("workers = 2\n[server]\nqueue-depth = 9", "unknown key 'server'"),
        ("workers = 2\nsocket", "inferd.toml:2:"),
        ("workers = two", "inferd.toml:1:"),
    ])
    func mistakesNameTheLine(text: String, message: String) {
        var configuration = ServerConfiguration()
        #expect {
            try configuration.apply(configText: text, source: "inferd.toml")
        } throws: { error in
            "\(error)".contains(message)
        }
    }

    @Test func bothSpellingsOfOneKeyAreRefused() throws {
        var configuration = ServerConfiguration()
        #expect {
            try configuration.apply(configText: "max_batch = 2\nmax-batch = 3\n", source: "inferd.toml")
        } throws: { error in
            "\(error)".contains("sets the same knob as")
        }
    }

    @Test func aDirectoryAFIFOOrABinaryFileIsRefusedNotReadAsEmpty() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("inferd-config-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var configuration = ServerConfiguration()
        #expect {
            try configuration.apply(configFile: directory.path)
        } throws: { error in
            "\(error)".contains("config file \(directory.path) is a directory, not a regular file")
        }

        let fifo = directory.appendingPathComponent("fifo.toml").path
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect {
            try configuration.apply(configFile: fifo)
        } throws: { error in
            "\(error)".contains("config file \(fifo) is a FIFO, not a regular file")
        }

        let binary = directory.appendingPathComponent("inferd.toml")
        try Data("workers = 5\0workers = \"garbage\"".utf8).write(to: binary)
        #expect {
            try configuration.apply(configFile: binary.path)
        } throws: { error in
            "\(error)".contains("holds a NUL byte at offset 11")
        }
        #expect(configuration.workers != 5)
    }

    @Test(arguments: [
        ("idle-timeout = 86401", "idle-timeout must be 1...86400, found 86401"),
        ("request-timeout = 100000000000", "request-timeout must be 1...86400, found 100000000000"),
        ("drain-timeout = 100000000000", "drain-timeout must be 0...86400, found 100000000000"),
        ("drain-timeout = -1", "drain-timeout must be 0...86400, found -1"),
    ])
    func timeoutsBeyondADayAreRefused(text: String, message: String) throws {
        var configuration = ServerConfiguration()
        try configuration.apply(configText: text, source: "inferd.toml")

        #expect(throws: ServerError.invalidConfiguration(message)) { try configuration.validate() }
    }

    @Test func daemonGivenADrainTimeoutBeyondADayExitsAtStartupNotAtSIGTERM() throws {
        let daemon = try DaemonProcess()

        let status = try daemon.runToExit(["--drain-timeout", "100000000000"], within: 10)

        #expect(daemon.process.terminationReason == .exit)
        #expect(status == 2)
        #expect(daemon.stderrText().contains("invalid configuration: drain-timeout must be 0...86400, found 100000000000"))
    }
}
