import ArgumentParser
import Crypto
import Engine
import Foundation
import ModelFile
import Training

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train", abstract: "Train a model and write an FP32 .inferd file (plus history CSV and SVG).")

    @OptionGroup var architecture: ArchitectureOptions

    @Option(help: "Directory with the Fashion-MNIST .gz files.")
    var data: String = FashionMNIST.defaultDirectory

    @Option(help: "Number of passes over the training set.")
    var epochs: Int

    @Option(help: "Output weight file (.inferd); <out>.history.csv and <out>.svg are written beside it.")
    var out: String

    @Option(help: "Seed for initialisation and shuffling.")
    var seed: UInt64 = 1

    @Option(help: "Worker threads (each takes part of every mini-batch; 1...64).")
    var threads: Int = 2

    @Option(name: .customLong("batch-size"), help: "Mini-batch size (1...4096, at least --threads).")
    var batchSize: Int = 64

    @Option(name: .customLong("learning-rate"), help: "Adam base learning rate.")
    var learningRate: Float = 1e-3

    @Option(help: "Learning-rate schedule: constant or cosine.")
    var schedule: String = "cosine"

    @Option(help: "Epochs of linear learning-rate warm-up.")
    var warmup: Double = 0

    @Option(help: "Shift each training image by up to this many pixels (seeded, per epoch; 0 = off).")
    var shift: Int = 0

    @Flag(help: "Mirror half of the training images left to right (seeded, per epoch).")
    var mirror = false

    @Option(name: .customLong("label-smoothing"), help: "Label smoothing ε of the training loss (0 = off).")
    var labelSmoothing: Float = 0

    @Option(name: .customLong("weight-decay"), help: "Decoupled (AdamW) weight decay on kernels and weight matrices (0 = off).")
    var weightDecay: Float = 0

    @Option(name: .customLong("train-limit"), help: "Use only the first N training images (quick runs; N ≥ 1).")
    var trainLimit: Int?

    @Option(name: .customLong("test-limit"), help: "Evaluate on only the first N test images (quick runs; N ≥ 1).")
    var testLimit: Int?

    @Option(name: .customLong("initial-weights"),
            help: "Start from this .inferd file's FP32 weights instead of a seeded initialisation (fine-tuning).")
    var initialWeights: String?

    @Option(help: "Served model name (default: the family name).")
    var name: String?

    @Option(name: .customLong("signing-key"), help: "Ed25519 private key file to sign the output with.")
    var signingKey: String?

    /// Refuses out-of-range options as usage errors before any data is read.
    func validate() throws {
        guard (1...64).contains(threads) else { throw ValidationError("--threads must be 1...64, got \(threads)") }
        guard (1...4096).contains(batchSize) else { throw ValidationError("--batch-size must be 1...4096, got \(batchSize)") }
        for (option, limit) in [("--train-limit", trainLimit), ("--test-limit", testLimit)] {
            if let limit, limit < 1 { throw ValidationError("\(option) must be at least 1, got \(limit)") }
        }
        do { try trainingOptions().validate() } catch let error as TrainingError {
            throw ValidationError(error.description)
        }
    }

    private func trainingOptions() throws -> TrainingOptions {
        guard let schedule = TrainingOptions.Schedule(rawValue: schedule) else {
            throw ValidationError("--schedule must be constant or cosine")
        }
        return TrainingOptions(epochs: epochs, batchSize: batchSize, learningRate: learningRate,
                               schedule: schedule, warmupEpochs: warmup, seed: seed, threads: threads,
                               augmentation: ImageAugmentation(maxShift: shift, mirror: mirror),
                               labelSmoothing: labelSmoothing, weightDecay: weightDecay)
    }

    func run() throws {
        let arch = try architecture.architecture()
        let options = try trainingOptions()
        let key = try signingKey.map { try SigningKeys.readPrivateKey(path: $0) }
        var train = try FashionMNIST.load(.train, from: data)
        var test = try FashionMNIST.load(.test, from: data)
        if let trainLimit { train = train.prefix(trainLimit) }
        if let testLimit { test = test.prefix(testLimit) }
        let start = try initialWeights.map { try ModelFile.read(path: $0).weights }
        let trainer = try Trainer(architecture: arch, options: options, initialWeights: start)
        let display = ProgressDisplay(epochs: epochs)
        display.line("training \(architecture.arch.rawValue): \(trainer.parameterCount) parameters, \(train.count) images, "
                     + "batch \(batchSize), \(threads) thread(s), \(options.schedule.rawValue) lr \(learningRate), seed \(seed)"
                     + (options.augmentation.isEnabled ? ", shift ±\(shift) px\(mirror ? ", mirror" : "")" : "")
                     + (labelSmoothing > 0 ? ", label smoothing \(labelSmoothing)" : "")
                     + (weightDecay > 0 ? ", weight decay \(weightDecay)" : ""))
        var history: [EpochRecord] = []
        let commandLine = (["trainer"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
        var evaluation = trainer.evaluate(test)
        let started = Date()
        for epoch in 0..<epochs {
            let rate = trainer.currentLearningRate(batchesPerEpoch: (train.count + batchSize - 1) / batchSize)
            let epochStart = Date()
            let result = trainer.trainEpoch(train, epoch: epoch) { display.batch($0) }
            let seconds = Date().timeIntervalSince(epochStart)
            evaluation = trainer.evaluate(test)
            let record = EpochRecord(epoch: epoch + 1, learningRate: Double(rate), trainLoss: result.loss,
                                     trainAccuracy: result.accuracy, testLoss: evaluation.loss,
                                     testAccuracy: evaluation.accuracy, seconds: seconds)
            history.append(record)
            display.epochDone(record)
            let metadata: [String: String] = [
                "dataset": "Fashion-MNIST (\(train.count) training images)",
                "accuracy": String(format: "%.4f", evaluation.accuracy),
                "test_samples": "\(test.count)",
                "date": ISO8601DateFormatter().string(from: Date()),
                "producer": "trainer \(TrainerCommand.version)",
                "epochs": "\(epoch + 1)/\(epochs)",
                "seed": "\(seed)",
                "threads": "\(threads)",
                "training_seconds": String(format: "%.1f", Date().timeIntervalSince(started)),
                "command": commandLine,
            ]
            // Written after every epoch so an interrupted run still leaves its latest model.
            try ModelFile(name: name ?? architecture.servedName, version: 1, architecture: arch,
                          weights: trainer.weights(), metadata: metadata).write(to: out, signingKey: key)
            try EpochRecord.csv(history).write(toFile: out + ".history.csv", atomically: true, encoding: .utf8)
        }
        let svg = TrainingCharts.svg(title: "\(architecture.arch.rawValue) on Fashion-MNIST", history: history,
                                     confusion: evaluation.confusion, classNames: fashionMNISTClassNames)
        try svg.write(toFile: out + ".svg", atomically: true, encoding: .utf8)
        display.line(String(format: "wrote %@ (test accuracy %.4f) in %.1f s", out, evaluation.accuracy,
                            Date().timeIntervalSince(started)))
    }
}
