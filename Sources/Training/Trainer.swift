import Dispatch
import Engine
import Foundation

/// Mini-batch Adam training of an `Architecture` on Fashion-MNIST with seeded initialisation and
/// shuffling. Every mini-batch is split across `threads` workers with private gradients, summed in a
/// fixed order, so a run is reproducible for a given seed and thread count.
public final class Trainer: @unchecked Sendable {
    public let architecture: Architecture
    public let options: TrainingOptions
    private let workers: [TrainingNetwork]
    private let gradients: [FloatBuffer]
    private let labels: [IndexBuffer]
    private let parameters: FloatBuffer
    private let adam: Adam
    private let decayMask: [Float]
    private var random: SeededRandom
    private var step = 0

    /// What one mini-batch reported, for progress displays.
    public struct BatchProgress: Sendable {
        public var epoch: Int, batch: Int, batches: Int
        public var loss: Double, accuracy: Double, elapsedSeconds: Double
    }

    public init(architecture: Architecture, options: TrainingOptions, initialWeights: WeightSet? = nil) throws(TrainingError) {
        try options.validate()
        self.architecture = architecture
        self.options = options
        let capacity = (options.batchSize + options.threads - 1) / options.threads
        var workers: [TrainingNetwork] = []
        for _ in 0..<options.threads { workers.append(try TrainingNetwork(architecture: architecture, capacity: capacity)) }
        self.workers = workers
        let count = workers[0].parameterCount
        gradients = workers.map { _ in FloatBuffer(count: count) }
        labels = workers.map { _ in IndexBuffer(count: capacity) }
        parameters = FloatBuffer(count: count)
        adam = Adam(count: count)
        decayMask = options.weightDecay > 0 ? workers[0].weightDecayMask(architecture: architecture) : []
        random = SeededRandom(seed: options.seed &* 0x2545_F491_4F6C_DD1D &+ 1)
        if let initialWeights {
            try workers[0].load(initialWeights.tensors, into: parameters.pointer)
        } else {
            workers[0].initialize(parameters.pointer, seed: options.seed)
        }
    }

    public var parameterCount: Int { workers[0].parameterCount }

    /// The current parameters as an FP32 engine weight set.
    public func weights() -> WeightSet {
        WeightSet(precision: .fp32, tensors: workers[0].export(parameters.pointer))
    }

    /// One shuffled pass over `data`; `epoch` is 0-based and drives the learning-rate schedule.
    public func trainEpoch(_ data: FashionMNIST, epoch: Int, progress: (BatchProgress) -> Void = { _ in }) -> (loss: Double, accuracy: Double) {
        var order = (0..<Int32(data.count)).map { $0 }
        random.shuffle(&order)
        let augmentation = options.augmentation
        let augmenting = augmentation.isEnabled && workers[0].inputCount == FashionMNIST.pixelsPerImage
        let transforms = augmenting
            ? augmentation.transforms(count: data.count, seed: options.seed, epoch: epoch) : [.identity]
        let side = FashionMNIST.side
        let batchSize = options.batchSize
        let batches = (data.count + batchSize - 1) / batchSize
        let totalSteps = batches * options.epochs
        let start = Date()
        var lossSum = 0.0, correct = 0, seen = 0
        let threads = workers.count
        let shareLoss = SharedPointer<Double>(count: threads), shareCorrect = SharedPointer<Int>(count: threads)
        defer { shareLoss.free(); shareCorrect.free() }
        data.images.withUnsafeBufferPointer { images in
            data.labels.withUnsafeBufferPointer { allLabels in
                order.withUnsafeBufferPointer { order in
                    let images = SharedPointer(images), allLabels = SharedPointer(allLabels), order = SharedPointer(order)
                    for b in 0..<batches {
                        let first = b * batchSize, size = min(batchSize, data.count - first)
                        let scale = 1 / Float(size)
                        DispatchQueue.concurrentPerform(iterations: threads) { t in
                            let lo = first + size * t / threads, hi = first + size * (t + 1) / threads
                            let worker = self.workers[t], count = hi - lo
                            let pixels = worker.inputCount
                            for i in 0..<count {
                                let sample = Int(order[lo + i])
                                let destination = worker.input.pointer + i * pixels
                                if augmenting {
                                    ImageAugmentation.apply(transforms[sample], side: side,
                                                            from: images.pointer + sample * pixels, to: destination)
                                } else {
                                    destination.update(from: images.pointer + sample * pixels, count: pixels)
                                }
                                self.labels[t].pointer[i] = allLabels[sample]
                            }
                            self.gradients[t].zero()
                            guard count > 0 else { shareLoss[t] = 0; shareCorrect[t] = 0; return }
                            worker.forward(batch: count, parameters: self.parameters.pointer)
                            let result = worker.loss(labels: self.labels[t].pointer, batch: count, scale: scale,
                                                     smoothing: self.options.labelSmoothing)
                            worker.backward(batch: count, parameters: self.parameters.pointer,
                                            gradients: self.gradients[t].pointer)
                            shareLoss[t] = result.loss; shareCorrect[t] = result.correct
                        }
                        let total = gradients[0].pointer
                        for t in 1..<threads {
                            let other = gradients[t].pointer
                            for i in 0..<parameterCount { total[i] += other[i] }
                        }
                        let rate = options.learningRate(step: step, totalSteps: totalSteps, stepsPerEpoch: batches)
                        decayMask.withUnsafeBufferPointer { mask in
                            adam.update(parameters.pointer, gradients: total, count: parameterCount, learningRate: rate,
                                        decay: options.weightDecay, decayMask: mask.baseAddress)
                        }
                        step += 1
                        for t in 0..<threads { lossSum += shareLoss[t]; correct += shareCorrect[t] }
                        seen += size
                        progress(BatchProgress(epoch: epoch, batch: b + 1, batches: batches, loss: lossSum / Double(seen),
                                               accuracy: Double(correct) / Double(seen),
                                               elapsedSeconds: Date().timeIntervalSince(start)))
                    }
                }
            }
        }
        return (lossSum / Double(max(seen, 1)), Double(correct) / Double(max(seen, 1)))
    }

    /// The learning rate the next step will use.
    public func currentLearningRate(batchesPerEpoch: Int) -> Float {
        options.learningRate(step: step, totalSteps: batchesPerEpoch * options.epochs, stepsPerEpoch: batchesPerEpoch)
    }

    /// Forward passes over all of `data` with the current parameters (all workers in parallel).
    public func evaluate(_ data: FashionMNIST) -> Evaluation {
        let threads = workers.count
        let classes = workers[0].classes
        let losses = SharedPointer<Double>(count: threads)
        let confusions = SharedPointer<Int>(count: threads * classes * classes)
        defer { losses.free(); confusions.free() }
        data.images.withUnsafeBufferPointer { images in
            data.labels.withUnsafeBufferPointer { allLabels in
                let images = SharedPointer(images), allLabels = SharedPointer(allLabels)
                DispatchQueue.concurrentPerform(iterations: threads) { t in
                    let worker = self.workers[t], capacity = worker.capacity, pixels = worker.inputCount
                    let lo = data.count * t / threads, hi = data.count * (t + 1) / threads
                    let confusion = confusions.pointer + t * classes * classes
                    var loss = 0.0
                    var first = lo
                    while first < hi {
                        let count = min(capacity, hi - first)
                        worker.input.pointer.update(from: images.pointer + first * pixels, count: count * pixels)
                        for i in 0..<count { self.labels[t].pointer[i] = allLabels[first + i] }
                        let logits = worker.forward(batch: count, parameters: self.parameters.pointer)
                        loss += worker.loss(labels: self.labels[t].pointer, batch: count, scale: 0).loss
                        for i in 0..<count {
                            let row = logits + i * classes
                            var best = 0
                            for j in 1..<classes where row[j] > row[best] { best = j }
                            confusion[Int(allLabels[first + i]) * classes + best] += 1
                        }
                        first += count
                    }
                    losses[t] = loss
                }
            }
        }
        var matrix = [[Int]](repeating: [Int](repeating: 0, count: classes), count: classes)
        for t in 0..<threads {
            for i in 0..<classes { for j in 0..<classes { matrix[i][j] += confusions[(t * classes + i) * classes + j] } }
        }
        var totalLoss = 0.0
        for t in 0..<threads { totalLoss += losses[t] }
        let correct = (0..<classes).reduce(0) { $0 + matrix[$1][$1] }
        return Evaluation(loss: totalLoss / Double(max(data.count, 1)),
                          accuracy: Double(correct) / Double(max(data.count, 1)), confusion: matrix)
    }
}
