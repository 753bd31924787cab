/// One line of the training history.
public struct EpochRecord: Sendable, Equatable {
    public var epoch: Int
    public var learningRate: Double
    public var trainLoss: Double
    public var trainAccuracy: Double
    public var testLoss: Double
    public var testAccuracy: Double
    public var seconds: Double

    public init(epoch: Int, learningRate: Double, trainLoss: Double, trainAccuracy: Double,
                testLoss: Double, testAccuracy: Double, seconds: Double) {
        self.epoch = epoch; self.learningRate = learningRate; self.trainLoss = trainLoss
        self.trainAccuracy = trainAccuracy; self.testLoss = testLoss; self.testAccuracy = testAccuracy
        self.seconds = seconds
    }

    /// The history as CSV with a header line.
    public static func csv(_ records: [EpochRecord]) -> String {
        var text = "epoch,learning_rate,train_loss,train_accuracy,test_loss,test_accuracy,seconds\n"
        for r in records {
            text += "\(r.epoch),\(r.learningRate),\(r.trainLoss),\(r.trainAccuracy),\(r.testLoss),\(r.testAccuracy),\(r.seconds)\n"
        }
        return text
    }
}
