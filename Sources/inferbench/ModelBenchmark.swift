import CAllocationCounter
import Engine

/// One architecture to time, under the name its output lines carry.
struct ModelCase {
    var name: String
    var architecture: Architecture

    /// The three reference models of the golden fixtures and the peer comparison.
    static func reference(named name: String) -> ModelCase? {
        switch name {
        case "cnn": ModelCase(name: name, architecture: .cnn())
        case "lstm": ModelCase(name: name, architecture: .lstm())
        case "attn": ModelCase(name: name, architecture: .attention())
        default: nil
        }
    }
}

/// How one model run is timed.
struct ModelTiming {
    var threads: Int
    var batch: Int
    var warmup: Int
    var runs: Int
    /// Samples the int8 activation ranges are calibrated on.
    var calibrationSamples: Int
    /// Observed runs for a per-layer breakdown after the timed runs; 0 skips it.
    var profileRuns: Int = 0
}

extension ModelCase {
    /// Builds the model with seeded random weights (quantized for int8), then times `run`
    /// call by call. Heap allocations and process CPU time are counted over exactly the timed
    /// calls; the mean CPU time per call is immune to waiting for a core on a busy machine.
    func benchmark(precision: Precision, _ timing: ModelTiming) throws(EngineError) -> [JSONLine] {
        let fp32 = try WeightSet.random(for: architecture, seed: 0x1F3D)
        let sampleSize = architecture.inputShape.reduce(1, *)
        let weights: WeightSet
        switch precision {
        case .fp32: weights = fp32
        case .int8:
            weights = try fp32.quantized(
                for: architecture,
                calibrationSamples: randomInputs(count: timing.calibrationSamples * sampleSize, seed: 0xCA11),
                sampleCount: timing.calibrationSamples)
        }
        let model = try Model(architecture: architecture, weights: weights, maxBatch: timing.batch, threads: timing.threads)
        let input = randomInputs(count: timing.batch * sampleSize, seed: 0x1A7E)
        var output = [Float](repeating: 0, count: timing.batch * model.outputShape.reduce(1, *))
        var durations = [UInt64](repeating: 0, count: timing.runs)

        var allocationsBefore: Int64 = 0, allocationsAfter: Int64 = 0
        var cpuBefore: UInt64 = 0, cpuAfter: UInt64 = 0
        try input.withUnsafeBufferPointer { (input) throws(EngineError) in
            try output.withUnsafeMutableBufferPointer { (output) throws(EngineError) in
                try durations.withUnsafeMutableBufferPointer { (durations) throws(EngineError) in
                    for _ in 0..<timing.warmup {
                        try model.run(input: input, batch: timing.batch, output: output)
                    }
                    allocationsBefore = allocation_counter_total()
                    cpuBefore = processCPUNanoseconds()
                    for index in 0..<timing.runs {
                        let start = monotonicNanoseconds()
                        try model.run(input: input, batch: timing.batch, output: output)
                        durations[index] = monotonicNanoseconds() &- start
                    }
                    cpuAfter = processCPUNanoseconds()
                    allocationsAfter = allocation_counter_total()
                }
            }
        }
        let summary = LatencySummary(sorting: &durations)
        var profile: [(point: String, medianNanoseconds: Double)] = []
        if timing.profileRuns > 0 {
            try input.withUnsafeBufferPointer { (input) throws(EngineError) in
                try output.withUnsafeMutableBufferPointer { (output) throws(EngineError) in
                    profile = try profileLayers(model: model, input: input, batch: timing.batch,
                                                output: output, runs: timing.profileRuns)
                }
            }
        }

        var line = JSONLine([
            "model": .string(name), "precision": .string(precision.rawValue),
            "threads": .integer(timing.threads), "batch": .integer(timing.batch),
            "median_us": .number(summary.medianNanoseconds / 1000), "p99_us": .number(summary.p99Nanoseconds / 1000),
            "runs": .integer(summary.runs),
            "cpu_mean_us": .number(Double(cpuAfter &- cpuBefore) / Double(timing.runs) / 1000),
        ])
        line.append("mallocs", allocation_counter_is_available() != 0
            ? .integer(Int(allocationsAfter - allocationsBefore)) : .null)
        return [line] + profile.map { entry in
            JSONLine(["profile": .string(name), "precision": .string(precision.rawValue),
                      "point": .string(entry.point), "median_us": .number(entry.medianNanoseconds / 1000),
                      "runs": .integer(timing.profileRuns)])
        }
    }
}
