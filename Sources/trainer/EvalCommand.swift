import ArgumentParser
import Engine
import Foundation
import ModelFile
import Training

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval", abstract: "Evaluate a weight file on the Fashion-MNIST test set with the inferd engine.")

    @Argument(help: "Weight file (.inferd).")
    var file: String

    @Option(help: "Directory with the Fashion-MNIST .gz files.")
    var data: String = FashionMNIST.defaultDirectory

    @Flag(help: "Print one JSON line instead of the report.")
    var json = false

    @Flag(help: "Also redraw <file>.svg: the loss and accuracy per epoch from <file>.history.csv and this evaluation's confusion matrix.")
    var chart = false

    @Option(help: "Engine threads (1...64).")
    var threads: Int = 1

    @Option(help: "Samples per engine run (1...1000).")
    var batch: Int = 100

    static let threadRange = 1...64
    static let batchRange = 1...1000

    func validate() throws {
        guard Self.batchRange.contains(batch) else { throw ValidationError("--batch must be 1...1000, got \(batch)") }
        guard Self.threadRange.contains(threads) else { throw ValidationError("--threads must be 1...64, got \(threads)") }
    }

    func run() throws {
        let historyPath = file + ".history.csv"
        let historyText: String? = try chart ? Self.history(at: historyPath) : nil
        let model = try ModelFile.read(path: file)
        let test = try FashionMNIST.load(.test, from: data)
        let engine = try Model(architecture: model.architecture, weights: model.weights, maxBatch: batch, threads: threads)
        let result = try Evaluation.of(engine, on: test)
        if let historyText {
            let history = try EpochRecord.records(fromCSV: historyText)
            let svg = TrainingCharts.svg(title: "\(model.name) on Fashion-MNIST", history: history,
                                         confusion: result.confusion, classNames: fashionMNISTClassNames)
            try svg.write(toFile: file + ".svg", atomically: true, encoding: .utf8)
        }
        if json {
            let name = model.name.replacingOccurrences(of: "\"", with: "")
            print(String(format: "{\"model\":\"%@\",\"precision\":\"%@\",\"accuracy\":%.4f,\"samples\":%d}",
                         name, model.weights.precision.rawValue, result.accuracy, result.samples))
            return
        }
        print(String(format: "%@ (%@, %@): test accuracy %.4f on %d images, mean loss %.4f",
                     file, model.name, model.weights.precision.rawValue, result.accuracy, result.samples, result.loss))
        print("\nper-class accuracy:")
        for (index, accuracy) in result.perClassAccuracy.enumerated() {
            print(String(format: "  %d %-12@ %.4f", index, fashionMNISTClassNames[index], accuracy))
        }
        print("\nconfusion matrix (rows: true class, columns: predicted):")
        print("      " + (0..<result.confusion.count).map { String(format: "%5d", $0) }.joined())
        for (index, row) in result.confusion.enumerated() {
            print(String(format: "  %2d  ", index) + row.map { String(format: "%5d", $0) }.joined())
        }
    }

    /// The training history `--chart` draws, or a one-line failure naming the file and the reason.
    private static func history(at path: String) throws -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch let error as CocoaError where error.code == .fileReadNoSuchFile {
            throw CommandFailure("--chart needs the training history \(path) (trainer train writes it beside the model); it does not exist")
        } catch {
            throw CommandFailure("--chart cannot read the training history \(path): \((error as NSError).localizedDescription)")
        }
    }
}
