import Testing
import Training

/// The per-epoch history CSV reads back as written, so charts can be redrawn from it.
@Suite struct EpochRecordTests {
    @Test func historyCSVRoundTrips() throws {
        let records = [
            EpochRecord(epoch: 1, learningRate: 0.002, trainLoss: 0.68, trainAccuracy: 0.75, testLoss: 0.5,
                        testAccuracy: 0.8078, seconds: 25.5),
            EpochRecord(epoch: 2, learningRate: 4.2643923734431155e-06, trainLoss: 0.44, trainAccuracy: 0.8356,
                        testLoss: 0.4378851308661586, testAccuracy: 0.8346, seconds: 46.87),
        ]
        #expect(try EpochRecord.records(fromCSV: EpochRecord.csv(records)) == records)
    }

    @Test func aMalformedLineIsAnErrorNamingIt() {
        let text = "epoch,learning_rate,train_loss,train_accuracy,test_loss,test_accuracy,seconds\n1,0.1,0.2,0.3\n"
        #expect {
            _ = try EpochRecord.records(fromCSV: text)
        } throws: { error in
            "\(error)".contains("line 2") && "\(error)".contains("1,0.1,0.2,0.3")
        }
    }
}
