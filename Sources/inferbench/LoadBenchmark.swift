import Engine
import Foundation
import ModelFile

/// Time from a weight file on disk to a model ready to run: `ModelFile.read` then `Model.init`.
func benchmarkLoad(path: String, runs: Int) throws -> JSONLine {
    var durations: [UInt64] = []
    var file: ModelFile?
    for _ in 0..<runs {
        let start = monotonicNanoseconds()
        let read = try ModelFile.read(path: path)
        let model = try Model(architecture: read.architecture, weights: read.weights)
        durations.append(monotonicNanoseconds() &- start)
        blackHole(model)
        file = read
    }
    let summary = LatencySummary(sorting: &durations)
    return JSONLine([
        "load": .string((path as NSString).lastPathComponent), "name": .string(file?.name ?? ""),
        "precision": .string(file?.weights.precision.rawValue ?? ""),
        "bytes": .integer((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? -1),
        "median_ms": .number(summary.medianNanoseconds / 1e6), "p99_ms": .number(summary.p99Nanoseconds / 1e6),
        "runs": .integer(summary.runs),
    ])
}

/// The shipped weight files in `directory`, in name order.
func weightFiles(in directory: String) -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    return names.filter { $0.hasSuffix(".inferd") }.sorted().map { "\(directory)/\($0)" }
}
