import Engine
import Foundation

/// Loss and accuracy of a model over one pass of a labelled data set.
public struct Evaluation: Sendable, Equatable {
    /// Mean cross-entropy.
    public var loss: Double
    public var accuracy: Double
    /// `confusion[label][prediction]` counts.
    public var confusion: [[Int]]

    public init(loss: Double, accuracy: Double, confusion: [[Int]]) {
        self.loss = loss; self.accuracy = accuracy; self.confusion = confusion
    }

    public var samples: Int { confusion.reduce(0) { $0 + $1.reduce(0, +) } }

    /// Accuracy within each true class.
    public var perClassAccuracy: [Double] {
        confusion.indices.map { Double(confusion[$0][$0]) / Double(max(confusion[$0].reduce(0, +), 1)) }
    }

    /// Runs the engine `model` (whose output is class probabilities) over all of `data`.
    public static func of(_ model: Model, on data: FashionMNIST) throws(TrainingError) -> Evaluation {
        let classes = model.outputShape.reduce(1, *)
        let pixels = model.inputShape.reduce(1, *)
        guard pixels == FashionMNIST.pixelsPerImage else {
            throw .invalidArgument("model input \(model.inputShape) does not take 28×28 images")
        }
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: classes), count: classes)
        var output = [Float](repeating: 0, count: model.maxBatch * classes)
        var loss = 0.0
        var first = 0
        while first < data.count {
            let count = min(model.maxBatch, data.count - first)
            do {
                try data.images.withUnsafeBufferPointer { (images) throws(EngineError) in
                    try output.withUnsafeMutableBufferPointer { (out) throws(EngineError) in
                        let slice = UnsafeBufferPointer(rebasing: images[(first * pixels)..<((first + count) * pixels)])
                        try model.run(input: slice, batch: count, output: out)
                    }
                }
            } catch { throw .engine(error) }
            for i in 0..<count {
                let label = Int(data.labels[first + i])
                var best = 0
                for j in 1..<classes where output[i * classes + j] > output[i * classes + best] { best = j }
                confusion[label][best] += 1
                loss -= log(Double(max(output[i * classes + label], 1e-30)))
            }
            first += count
        }
        let correct = (0..<classes).reduce(0) { $0 + confusion[$1][$1] }
        return Evaluation(loss: loss / Double(max(data.count, 1)),
                          accuracy: Double(correct) / Double(max(data.count, 1)), confusion: confusion)
    }
}
