import Foundation
import Testing

/// Output that cannot be written is a failure: `trainer eval --json > /dev/full` exited 0 with
/// nothing written.
@Suite struct TrainerOutputFailureTests {
    @Test func unwritableOutputExitsOneNamingTheReason() throws {
        let directory = try TrainerRun.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }

        let run = try TrainerRun(["keygen", "--out", directory.appendingPathComponent("k").path], stdoutPath: "/dev/full")

        #expect(run.status == 1)
        #expect(run.stderr == "Error: cannot write the output: No space left on device\n")
    }
}
