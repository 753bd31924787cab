import Foundation
import Testing

/// Output that cannot be written is a failure: `inferctl health > /dev/full` exited 0 with nothing
/// written.
@Suite struct InferctlOutputFailureTests {
    @Test func unwritableOutputExitsOneNamingTheReason() throws {
        let ok = FakeInferd.reply(status: 200, body: "")
        let server = try FakeInferd(replies: ["GET /v2/health/live": ok, "GET /v2/health/ready": ok])

        let run = try InferctlRun(["--socket", server.socketPath, "health"], stdoutPath: "/dev/full")

        #expect(run.status == 1)
        #expect(run.stderr == "inferctl: cannot write the output: No space left on device\n")
    }

    @Test func writableOutputStillExitsZero() throws {
        let ok = FakeInferd.reply(status: 200, body: "")
        let server = try FakeInferd(replies: ["GET /v2/health/live": ok, "GET /v2/health/ready": ok])

        let run = try InferctlRun(["--socket", server.socketPath, "health"])

        #expect(run.status == 0)
        #expect(run.stdout == "live: yes\nready: yes\n")
    }
}
