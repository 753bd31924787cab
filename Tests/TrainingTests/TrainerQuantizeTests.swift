import Foundation
import Testing

/// `trainer quantize` never writes its int8 output over its FP32 input.
@Suite struct TrainerQuantizeTests {
    /// `--out` as the same path, another spelling of it, and a symbolic link to it; the first two
    /// replaced the FP32 file with the int8 one, exit 0.
    @Test(arguments: ["same", "spelling", "link"])
    func outputThatIsTheInputIsRefused(kind: String) throws {
        let directory = try TrainerRun.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("small.fp32.inferd").path
        let made = try TrainerRun(["init", "--arch", "cnn", "--channels", "2,2,2", "--hidden", "4", "--out", input])
        try #require(made.status == 0, "\(made.stderr)")
        let before = try Data(contentsOf: URL(fileURLWithPath: input))
        let out: String
        switch kind {
        case "same": out = input
        case "spelling": out = directory.path + "/./small.fp32.inferd"
        default:
            out = directory.appendingPathComponent("link.inferd").path
            try FileManager.default.createSymbolicLink(atPath: out, withDestinationPath: input)
        }

        let run = try TrainerRun(["quantize", input, "--calibration", "10", "--out", out])

        #expect(run.status == 1)
        #expect(run.stderr == "Error: --out \(out) is the input file \(input); choose another output path\n")
        #expect(try Data(contentsOf: URL(fileURLWithPath: input)) == before)
    }
}
