import Engine
import Foundation
import ModelFile
import Testing
import Training

/// Training on real Fashion-MNIST (from the apt package `dataset-fashion-mnist`) learns, and what it
/// writes is a file the engine runs with the accuracy the trainer measured.
@Suite struct TrainingBehaviourTests {
    static func subset(_ split: FashionMNIST.Split, _ count: Int) throws -> FashionMNIST {
        try FashionMNIST.load(split).prefix(count)
    }

    @Test func loaderReadsSixtyThousandScaledTrainingImages() throws {
        let train = try FashionMNIST.load(.train)
        #expect(train.count == 60000)
        #expect(train.images.count == 60000 * 784)
        #expect(train.images.allSatisfy { $0 >= 0 && $0 <= 1 })
        #expect(Set(train.labels) == Set(0..<10))
    }

    @Test func missingDataNamesTheAptPackage() {
        #expect(throws: TrainingError.self) { try FashionMNIST.load(.test, from: "/nonexistent") }
        do {
            _ = try FashionMNIST.load(.test, from: "/nonexistent")
        } catch {
            #expect("\(error)".contains("dataset-fashion-mnist"))
        }
    }

    @Test(arguments: [Architecture.cnn(channels: [4, 8, 8], hidden: 16), .lstm(hidden: 16),
                      .attention(width: 16, blocks: 1, heads: 2, mlpHidden: 32)])
    func aFewStepsOnASmallSubsetLowerTheLoss(architecture: Architecture) throws {
        let data = try Self.subset(.train, 1024)
        let options = TrainingOptions(epochs: 4, learningRate: 5e-3, schedule: .constant, seed: 3)
        let trainer = try Trainer(architecture: architecture, options: options)
        let before = trainer.evaluate(data).loss
        for epoch in 0..<4 { _ = trainer.trainEpoch(data, epoch: epoch) }
        let after = trainer.evaluate(data).loss
        #expect(after < before * 0.85, "loss went from \(before) to \(after)")
    }

    @Test func oneAndTwoThreadsComputeTheSameFirstStep() throws {
        let data = try Self.subset(.train, 64)
        let one = try Trainer(architecture: .cnn(channels: [4, 8, 8], hidden: 16), options: TrainingOptions(epochs: 1, seed: 9, threads: 1))
        let two = try Trainer(architecture: .cnn(channels: [4, 8, 8], hidden: 16), options: TrainingOptions(epochs: 1, seed: 9, threads: 2))
        _ = one.trainEpoch(data, epoch: 0)
        _ = two.trainEpoch(data, epoch: 0)
        let a = one.weights().tensors, b = two.weights().tensors
        for (name, tensor) in a {
            guard case let .float32(x) = tensor.elements, case let .float32(y) = b[name]?.elements else {
                Issue.record("tensor \(name) missing or not float32"); continue
            }
            let worst = zip(x, y).map { abs($0 - $1) }.max() ?? 0
            #expect(worst < 1e-5, "\(name) differs by \(worst)")
        }
    }

    @Test func weightDecayShrinksKernelsAndWeightMatricesOnly() throws {
        let data = try Self.subset(.train, 64)
        let architecture = Architecture.attention(width: 8, blocks: 1, heads: 2, mlpHidden: 8)
        let rate: Float = 0.01, decay: Float = 0.5
        func trained(weightDecay: Float) throws -> [String: Tensor] {
            let options = TrainingOptions(epochs: 1, learningRate: rate, schedule: .constant, seed: 4, threads: 1,
                                          weightDecay: weightDecay)
            let trainer = try Trainer(architecture: architecture, options: options)
            _ = trainer.trainEpoch(data, epoch: 0)
            return trainer.weights().tensors
        }
        let initial = try Trainer(architecture: architecture, options: TrainingOptions(epochs: 1, seed: 4, threads: 1))
            .weights().tensors
        let plain = try trained(weightDecay: 0), decayed = try trained(weightDecay: decay)
        var decayedTensors: [String] = []
        for (name, tensor) in initial {
            guard case let .float32(w0) = tensor.elements, case let .float32(a) = plain[name]?.elements,
                  case let .float32(b) = decayed[name]?.elements else {
                Issue.record("tensor \(name) missing or not float32"); continue
            }
            let applies = tensor.shape.count >= 2 && name != "pos"
            if applies { decayedTensors.append(name) }
            for i in w0.indices {
                // One step: the Adam part is the same in both runs; decay subtracts rate · decay · w0.
                let expected = applies ? a[i] - rate * decay * w0[i] : a[i]
                #expect(abs(b[i] - expected) <= 1e-6, "\(name)[\(i)]: \(b[i]), expected \(expected)")
            }
        }
        #expect(Set(decayedTensors) == ["patch.weight", "block0.q.weight", "block0.k.weight", "block0.v.weight",
                                        "block0.o.weight", "block0.mlp1.weight", "block0.mlp2.weight", "head.weight"])
    }

    @Test func trainQuantizeAndEvaluateWithTheEngineEndToEnd() throws {
        let train = try Self.subset(.train, 2000), test = try Self.subset(.test, 500)
        let architecture = Architecture.cnn(channels: [8, 16, 16], hidden: 32)
        let trainer = try Trainer(architecture: architecture, options: TrainingOptions(epochs: 3, learningRate: 3e-3, seed: 4))
        for epoch in 0..<3 { _ = trainer.trainEpoch(train, epoch: epoch) }
        let measured = trainer.evaluate(test)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("trainer-e2e-\(getpid()).inferd").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ModelFile(name: "cnn-tiny", version: 1, architecture: architecture, weights: trainer.weights()).write(to: path)

        let file = try ModelFile.read(path: path)
        let model = try Model(architecture: file.architecture, weights: file.weights, maxBatch: 50)
        let served = try Evaluation.of(model, on: test)
        #expect(served.accuracy > 0.6)
        #expect(abs(served.accuracy - measured.accuracy) <= 0.002,
                "engine \(served.accuracy) vs trainer \(measured.accuracy)")
        #expect(served.samples == 500)

        let calibration = Array(train.images[0..<(200 * FashionMNIST.pixelsPerImage)])
        let int8 = try file.weights.quantized(for: file.architecture, calibrationSamples: calibration, sampleCount: 200)
        #expect(int8.precision == .int8)
        let quantized = try Evaluation.of(Model(architecture: file.architecture, weights: int8, maxBatch: 50), on: test)
        #expect(abs(quantized.accuracy - served.accuracy) <= 0.03,
                "int8 \(quantized.accuracy) vs fp32 \(served.accuracy)")
    }
}
