import ArgumentParser
import Engine
import Foundation

@main
struct InferbenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inferbench",
        abstract: "Times inferd's kernels, models and weight-file loading; prints one JSON object per line.",
        discussion: """
            Lines, in order: one machine record (CPU, measured clock, FP32 peak); one line per GEMM \
            kernel and shape; one line per model and precision (median and p99 latency, heap \
            allocations during the timed runs); one line per weight file in --models-dir (load \
            time). A row that cannot run prints an "error" field instead of figures. Build in \
            release mode: debug timings mean nothing.
            """)

    @Option(help: "Reference models to time (cnn, lstm, attn), comma-separated.")
    var models = "cnn,lstm,attn"

    @Option(help: "Precisions to time each model in (fp32, int8), comma-separated.")
    var precisions = "fp32,int8"

    @Option(name: .customLong("architecture"), help: ArgumentHelp(
        "An Architecture JSON file to time with seeded random weights (repeatable).", valueName: "file"))
    var architectureFiles: [String] = []

    @Option(help: "Timed runs per model, after warm-up.")
    var runs = 5000

    @Option(help: "Untimed warm-up runs per model.")
    var warmup = 200

    @Option(help: "Threads per model run.")
    var threads = 1

    @Option(help: "Samples per model run.")
    var batch = 1

    @Option(help: "Seeded inputs the int8 activation ranges are calibrated on.")
    var calibrationSamples = 16

    @Option(help: "Observed runs per model for a per-layer time breakdown (profile lines); 0 skips it.")
    var profileRuns = 0

    @Option(help: "Directory whose *.inferd weight files are load-timed.")
    var modelsDir = "models"

    @Option(help: "Loads timed per weight file.")
    var loadRuns = 20

    @Option(help: ArgumentHelp(
        "Print a reference model's Architecture JSON (cnn, lstm, attn) and exit: a starting point for --architecture.",
        valueName: "model"))
    var printArchitecture: String?

    @Flag(name: .customLong("skip-gemm"), help: "Do not time the GEMM kernels.")
    var skipGEMM = false

    @Flag(help: "Do not time the models.")
    var skipModels = false

    @Flag(help: "Do not time weight-file loading.")
    var skipLoad = false

    func validate() throws {
        guard runs >= 1, profileRuns >= 0, warmup >= 0, threads >= 1, batch >= 1, calibrationSamples >= 1, loadRuns >= 1 else {
            throw ValidationError("--runs, --threads, --batch, --calibration-samples and --load-runs must be at least 1")
        }
    }

    func run() throws {
        if let name = printArchitecture {
            guard let reference = ModelCase.reference(named: name) else {
                throw ValidationError("unknown model \(name): expected cnn, lstm or attn")
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(reference.architecture), as: UTF8.self))
            return
        }
        let machine = MachineRecord.measure()
        machine.record.emit()
        if !skipGEMM {
            for shape in GEMMShape.benchmarked {
                for implementation in GEMMF32Implementation.allCases {
                    measureGEMMF32(shape, implementation).record(peakGFLOPS: machine.peakGFLOPS).emit()
                }
                for implementation in GEMMS8Implementation.runnable {
                    measureGEMMS8(shape, implementation).record(peakGFLOPS: machine.peakGFLOPS).emit()
                }
            }
        }
        if !skipModels {
            let timing = ModelTiming(threads: threads, batch: batch, warmup: warmup, runs: runs,
                                     calibrationSamples: calibrationSamples, profileRuns: profileRuns)
            for modelCase in try modelCases() {
                for precision in try parsedPrecisions() {
                    do {
                        try modelCase.benchmark(precision: precision, timing).forEach { $0.emit() }
                    } catch {
                        JSONLine(["model": .string(modelCase.name), "precision": .string(precision.rawValue),
                                  "error": .string(error.description)]).emit()
                    }
                }
            }
        }
        if !skipLoad {
            for path in weightFiles(in: modelsDir) {
                do {
                    try benchmarkLoad(path: path, runs: loadRuns).emit()
                } catch {
                    JSONLine(["load": .string(path), "error": .string("\(error)")]).emit()
                }
            }
        }
    }

    private func modelCases() throws -> [ModelCase] {
        let references = try models.split(separator: ",").filter { !$0.isEmpty }.map { name in
            guard let reference = ModelCase.reference(named: String(name)) else {
                throw ValidationError("unknown model \(name): expected cnn, lstm or attn")
            }
            return reference
        }
        let configured = try architectureFiles.map { path in
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            let architecture = try JSONDecoder().decode(Architecture.self, from: data)
            return ModelCase(name: URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent,
                             architecture: architecture)
        }
        return references + configured
    }

    private func parsedPrecisions() throws -> [Precision] {
        try precisions.split(separator: ",").map { name in
            guard let precision = Precision(rawValue: String(name)) else {
                throw ValidationError("unknown precision \(name): expected fp32 or int8")
            }
            return precision
        }
    }
}
