import Foundation
import Testing

/// `trainer keygen` never replaces a key: a lost private key cannot be recovered.
@Suite struct TrainerKeygenTests {
    @Test(arguments: ["key", "pub"])
    func existingKeyFileIsKeptAndNamed(existing: String) throws {
        let directory = try TrainerRun.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let prefix = directory.appendingPathComponent("prod").path
        try Data("old \(existing)\n".utf8).write(to: URL(fileURLWithPath: "\(prefix).\(existing)"))

        let run = try TrainerRun(["keygen", "--out", prefix])

        #expect(run.status == 1)
        #expect(run.stderr == "Error: \(prefix).\(existing) already exists; remove it first to make a new key pair\n")
        #expect(try String(contentsOfFile: "\(prefix).\(existing)", encoding: .utf8) == "old \(existing)\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["prod.\(existing)"])
    }

    @Test func secondKeygenKeepsTheFirstPair() throws {
        let directory = try TrainerRun.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let prefix = directory.appendingPathComponent("prod").path
        #expect(try TrainerRun(["keygen", "--out", prefix]).status == 0)
        let first = try Data(contentsOf: URL(fileURLWithPath: prefix + ".key"))

        let second = try TrainerRun(["keygen", "--out", prefix])

        #expect(second.status == 1)
        #expect(try Data(contentsOf: URL(fileURLWithPath: prefix + ".key")) == first)
    }

    /// `--out ""` wrote hidden `.key` and `.pub` into the current directory.
    @Test(arguments: ["", "keys/", ".", "keys/.."])
    func prefixWithoutAFileNameIsRefused(prefix: String) throws {
        let directory = try TrainerRun.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("keys"), withIntermediateDirectories: true)

        let run = try TrainerRun(["keygen", "--out", prefix], in: directory)

        #expect(run.status == 64)
        #expect(run.stderr.hasPrefix("Error: --out needs a file name prefix such as keys/signing, got '\(prefix)'\n"))
        #expect(try FileManager.default.subpathsOfDirectory(atPath: directory.path) == ["keys"])
    }
}
