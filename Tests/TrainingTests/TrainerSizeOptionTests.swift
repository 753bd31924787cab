import Foundation
import Testing

/// Every size option of `trainer` has a range; a value outside it is a usage error naming the
/// option (exit 64) before anything is allocated. Before, these aborted on allocation, trapped
/// on overflow or named a consequence ("patch 4 does not fit", "outside 1...0").
@Suite struct TrainerSizeOptionTests {
    @Test(arguments: [
        (["--arch", "lstm", "--hidden", "100000000"], "--hidden must be 1...2048, got 100000000"),
        (["--arch", "cnn", "--hidden", "0"], "--hidden must be 1...2048, got 0"),
        (["--arch", "attn", "--width", "4611686018427387904", "--heads", "1"], "--width must be 1...1024, got 4611686018427387904"),
        (["--arch", "attn", "--width", "0"], "--width must be 1...1024, got 0"),
        (["--arch", "attn", "--mlp-hidden", "0"], "--mlp-hidden must be 1...4096, got 0"),
        (["--arch", "attn", "--patch", "29"], "--patch must be 1...28, got 29"),
        (["--arch", "attn", "--blocks", "0"], "--blocks must be 1...32, got 0"),
        (["--arch", "attn", "--heads", "0"], "--heads must be 1...64, got 0"),
        (["--arch", "attn", "--width", "60", "--heads", "7"], "--width 60 must be a multiple of --heads 7"),
        (["--arch", "attn", "--patch", "1", "--heads", "8"],
         "--patch 1 and --heads 8 give 4917248 attention scores per image (heads × 784 tokens²), at most 4194304 allowed"),
        (["--arch", "attn", "--blocks", "32", "--width", "1024", "--mlp-hidden", "4096"],
         "this attn has 403159050 parameters, at most 33554432 allowed; choose smaller sizes"),
        (["--arch", "cnn", "--channels", "1,,2"], "--channels needs three integers in 1...1024, got '1,,2'"),
        (["--arch", "cnn", "--channels", "8,8,2000"], "--channels needs three integers in 1...1024, got '8,8,2000'"),
    ])
    func architectureSizeOutOfRangeIsAUsageError(options: [String], message: String) throws {
        let directory = try TrainerRun.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("model.inferd").path

        let run = try TrainerRun(["init"] + options + ["--out", out])

        #expect(run.status == 64)
        #expect(run.stderr.hasPrefix("Error: \(message)\n"))
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test(arguments: [
        (["eval", "model.inferd", "--batch", "0"], "--batch must be 1...1000, got 0"),
        (["eval", "model.inferd", "--batch", "20000"], "--batch must be 1...1000, got 20000"),
        (["eval", "model.inferd", "--batch", "9223372036854775807"], "--batch must be 1...1000, got 9223372036854775807"),
        (["eval", "model.inferd", "--threads", "0"], "--threads must be 1...64, got 0"),
        (["train", "--arch", "cnn", "--epochs", "1", "--out", "x", "--batch-size", "10000000"], "--batch-size must be 1...4096, got 10000000"),
        (["train", "--arch", "cnn", "--epochs", "1", "--out", "x", "--threads", "100000"], "--threads must be 1...64, got 100000"),
        (["train", "--arch", "cnn", "--epochs", "1", "--out", "x", "--train-limit=-5"], "--train-limit must be at least 1, got -5"),
        (["train", "--arch", "cnn", "--epochs", "1", "--out", "x", "--test-limit", "0"], "--test-limit must be at least 1, got 0"),
        (["quantize", "model.inferd", "--out", "x", "--calibration", "0"], "--calibration must be 1...60000, got 0"),
    ])
    func runSizeOutOfRangeIsAUsageError(arguments: [String], message: String) throws {
        let run = try TrainerRun(arguments)

        #expect(run.status == 64)
        #expect(run.stderr.hasPrefix("Error: \(message)\n"))
    }

    /// A missing history dumped an NSCocoaErrorDomain error after the whole evaluation.
    @Test func chartWithoutHistoryNamesTheMissingFile() throws {
        let directory = try TrainerRun.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let model = directory.appendingPathComponent("small.inferd").path
        try #require(try TrainerRun(["init", "--arch", "cnn", "--channels", "2,2,2", "--hidden", "4", "--out", model]).status == 0)

        let run = try TrainerRun(["eval", model, "--chart"])

        #expect(run.status == 1)
        #expect(run.stderr == "Error: --chart needs the training history \(model).history.csv (trainer train writes it beside the model); it does not exist\n")
        #expect(!FileManager.default.fileExists(atPath: model + ".svg"))
    }
}
