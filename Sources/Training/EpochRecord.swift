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

    /// Parses what `csv(_:)` writes; a line that does not have its seven numbers is an error naming it.
    public static func records(fromCSV text: String) throws(TrainingError) -> [EpochRecord] {
        var records: [EpochRecord] = []
        for (index, line) in text.split(separator: "\n").enumerated() where index > 0 && !line.isEmpty {
            let fields = line.split(separator: ",").compactMap { Double($0) }
            guard fields.count == 7, let epoch = Int(exactly: fields[0]) else {
                throw .invalidArgument("history line \(index + 1) is not 7 numbers (epoch first): \(line)")
            }
            records.append(EpochRecord(epoch: epoch, learningRate: fields[1], trainLoss: fields[2],
                                       trainAccuracy: fields[3], testLoss: fields[4], testAccuracy: fields[5],
                                       seconds: fields[6]))
        }
        return records
    }
}
