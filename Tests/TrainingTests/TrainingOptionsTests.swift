import Testing
import Training

/// Which hyperparameters a run accepts: a value that cannot become a step count or a finite update
/// is refused up front, naming it, instead of trapping or training to NaN.
@Suite struct TrainingOptionsTests {
    @Test(arguments: [Double.infinity, -.infinity, .nan, -0.5, 4.5, 1e300])
    func warmUpThatIsNotWithinTheRunIsRefused(epochs warmup: Double) {
        let options = TrainingOptions(epochs: 4, warmupEpochs: warmup)

        #expect(throws: TrainingError.invalidArgument("the warm-up must be 0...4 epochs (the run's length), got \(warmup)")) {
            try options.validate()
        }
        #expect(throws: TrainingError.self) { try Trainer(architecture: .cnn(channels: [2, 2, 2], hidden: 4), options: options) }
    }

    @Test(arguments: [0, 0.5, 4])
    func warmUpFromNoneToTheWholeRunIsAccepted(epochs warmup: Double) throws {
        try TrainingOptions(epochs: 4, warmupEpochs: warmup).validate()
    }

    @Test(arguments: [Float.infinity, .nan, 0, -1e-3])
    func learningRateThatIsNotFiniteAndPositiveIsRefused(rate: Float) {
        #expect(throws: TrainingError.invalidArgument("the learning rate must be a finite number above 0, got \(rate)")) {
            try TrainingOptions(epochs: 1, learningRate: rate).validate()
        }
    }

    @Test func infiniteWeightDecayIsRefused() {
        #expect(throws: TrainingError.self) { try TrainingOptions(epochs: 1, weightDecay: .infinity).validate() }
    }

    @Test func learningRateScheduleWithTheLongestWarmUpStaysFinite() throws {
        let options = TrainingOptions(epochs: 2, learningRate: 1e-3, warmupEpochs: 2)
        try options.validate()

        let rates = (0..<20).map { options.learningRate(step: $0, totalSteps: 20, stepsPerEpoch: 10) }

        #expect(rates.allSatisfy { $0.isFinite && $0 > 0 && $0 <= 1e-3 })
        #expect(rates.last == 1e-3)
    }
}
