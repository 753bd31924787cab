import Foundation

/// Hyperparameters of one training run.
public struct TrainingOptions: Sendable, Equatable {
    public enum Schedule: String, Sendable, CaseIterable {
        /// The same rate every step.
        case constant
        /// Half a cosine from the base rate down to zero over all steps.
        case cosine
    }

    public var epochs: Int
    public var batchSize: Int
    public var learningRate: Float
    public var schedule: Schedule
    /// Linear ramp from zero over this many epochs before the schedule starts.
    public var warmupEpochs: Double
    public var seed: UInt64
    /// Worker threads; each takes an equal share of every mini-batch.
    public var threads: Int
    /// Random shifts and mirroring of the training images; off by default.
    public var augmentation: ImageAugmentation
    /// Label smoothing ε of the training loss (targets `(1 − ε)·onehot + ε/classes`); 0 = off.
    public var labelSmoothing: Float
    /// Decoupled (AdamW) weight decay on kernels and weight matrices; 0 = off.
    public var weightDecay: Float

    public init(epochs: Int, batchSize: Int = 64, learningRate: Float = 1e-3, schedule: Schedule = .cosine,
                warmupEpochs: Double = 0, seed: UInt64 = 1, threads: Int = 2,
                augmentation: ImageAugmentation = ImageAugmentation(), labelSmoothing: Float = 0, weightDecay: Float = 0) {
        self.epochs = epochs; self.batchSize = batchSize; self.learningRate = learningRate
        self.schedule = schedule; self.warmupEpochs = warmupEpochs; self.seed = seed; self.threads = threads
        self.augmentation = augmentation; self.labelSmoothing = labelSmoothing; self.weightDecay = weightDecay
    }

    /// Throws `TrainingError.invalidArgument` naming the first value a run cannot use. Values that
    /// become step counts (the warm-up) must be finite and bounded, or converting them traps.
    public func validate() throws(TrainingError) {
        guard threads >= 1, batchSize >= threads, epochs >= 0 else {
            throw .invalidArgument("need threads ≥ 1 and batch size ≥ threads, got \(threads) and \(batchSize)")
        }
        guard learningRate.isFinite, learningRate > 0 else {
            throw .invalidArgument("the learning rate must be a finite number above 0, got \(learningRate)")
        }
        guard warmupEpochs.isFinite, warmupEpochs >= 0, warmupEpochs <= Double(epochs) else {
            throw .invalidArgument("the warm-up must be 0...\(epochs) epochs (the run's length), got \(warmupEpochs)")
        }
        guard (0..<1).contains(labelSmoothing), weightDecay.isFinite, weightDecay >= 0 else {
            throw .invalidArgument("need label smoothing in 0..<1 and weight decay ≥ 0, got \(labelSmoothing) and \(weightDecay)")
        }
        let shift = augmentation.maxShift
        guard shift >= 0, shift < FashionMNIST.side else {
            throw .invalidArgument("the augmentation shift must be 0..<\(FashionMNIST.side) pixels, got \(shift)")
        }
    }

    /// The learning rate at `step` (0-based) of `totalSteps`.
    public func learningRate(step: Int, totalSteps: Int, stepsPerEpoch: Int) -> Float {
        let warmup = Int(warmupEpochs * Double(stepsPerEpoch))
        if step < warmup { return learningRate * Float(step + 1) / Float(warmup) }
        switch schedule {
        case .constant: return learningRate
        case .cosine:
            let progress = min(Double(step - warmup) / Double(max(totalSteps - warmup, 1)), 1)
            return learningRate * Float(0.5 * (1 + cos(Double.pi * progress)))
        }
    }
}
