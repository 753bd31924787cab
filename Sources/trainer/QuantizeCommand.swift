import ArgumentParser
import Crypto
import Engine
import Foundation
import ModelFile
import Training

#if canImport(Glibc)
import Glibc
#endif

struct QuantizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quantize",
        abstract: "Post-training int8 quantization: per-channel symmetric weights, calibrated activation ranges.")

    @Argument(help: "FP32 weight file (.inferd).")
    var file: String

    @Option(help: "Number of training images to calibrate activation ranges on (a seeded random sample; 1...60000).")
    var calibration: Int = 1000

    @Option(help: "Output weight file (.inferd).")
    var out: String

    @Option(help: "Directory with the Fashion-MNIST .gz files.")
    var data: String = FashionMNIST.defaultDirectory

    @Option(help: "Seed for choosing the calibration images.")
    var seed: UInt64 = 1

    @Option(help: "Served model name (default: <fp32 name>-int8).")
    var name: String?

    @Option(name: .customLong("signing-key"), help: "Ed25519 private key file to sign the output with.")
    var signingKey: String?

    func validate() throws {
        guard (1...60000).contains(calibration) else { throw ValidationError("--calibration must be 1...60000, got \(calibration)") }
    }

    func run() throws {
        try refuseOutputOverInput()
        let source = try ModelFile.read(path: file)
        guard source.weights.precision == .fp32 else { throw ValidationError("\(file) is not an FP32 model") }
        let key = try signingKey.map { try SigningKeys.readPrivateKey(path: $0) }
        let train = try FashionMNIST.load(.train, from: data)
        let test = try FashionMNIST.load(.test, from: data)
        var order = (0..<Int32(train.count)).map { $0 }
        var random = SeededRandom(seed: seed)
        random.shuffle(&order)
        let count = min(calibration, train.count), pixels = FashionMNIST.pixelsPerImage
        var samples = [Float](repeating: 0, count: count * pixels)
        for i in 0..<count {
            let s = Int(order[i]) * pixels
            samples.replaceSubrange((i * pixels)..<((i + 1) * pixels), with: train.images[s..<(s + pixels)])
        }
        let started = Date()
        let weights = try source.weights.quantized(for: source.architecture, calibrationSamples: samples, sampleCount: count)
        let seconds = Date().timeIntervalSince(started)
        let model = try Model(architecture: source.architecture, weights: weights, maxBatch: 100)
        let result = try Evaluation.of(model, on: test)
        var metadata = source.metadata
        metadata["accuracy"] = String(format: "%.4f", result.accuracy)
        metadata["fp32_accuracy"] = source.metadata["accuracy"] ?? ""
        metadata["calibration"] = "\(count) training images (seed \(seed))"
        metadata["quantization"] = "per-output-channel symmetric int8 weights; activation ranges by plain min/max over the calibration images (Engine WeightSet.quantized)"
        metadata["date"] = ISO8601DateFormatter().string(from: Date())
        metadata["producer"] = "trainer \(TrainerCommand.version)"
        metadata["source"] = file
        metadata["quantize_command"] = (["trainer"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
        try ModelFile(name: name ?? "\(source.name)-int8", version: source.version, architecture: source.architecture,
                      weights: weights, metadata: metadata).write(to: out, signingKey: key)
        print(String(format: "wrote %@: int8 test accuracy %.4f (fp32 %@), calibrated on %d images in %.1f s",
                     out, result.accuracy, source.metadata["accuracy"] ?? "?", count, seconds))
    }

    /// Ends the command when `--out` names the input file itself (the same path, another spelling of
    /// it or a link to it): writing there would replace the FP32 model with its int8 version.
    private func refuseOutputOverInput() throws {
        var input = stat(), output = stat()
        guard stat(file, &input) == 0, stat(out, &output) == 0 else { return }
        guard input.st_dev == output.st_dev, input.st_ino == output.st_ino else { return }
        throw CommandFailure("--out \(out) is the input file \(file); choose another output path")
    }
}
