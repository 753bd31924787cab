import CAllocationCounter
import Foundation
import Kernels

/// What the figures were measured on: CPU, cores, vector features, measured clock and FMA rate.
struct MachineRecord {
    var cpuModel: String
    var logicalCores: Int
    var hasAVX2: Bool
    var hasFMA: Bool
    var clockGHz: Double
    var fmaThroughputGFLOPS: Double

    /// FP32 FLOP per cycle of one core: 2 FMA pipes × 8 lanes × 2 operations on Zen 3, Zen 4 and on
    /// every Intel core since Haswell; on other CPUs the measured FMA throughput stands in.
    static let flopsPerCycle = 32.0

    /// One core's FP32 FMA peak at the measured clock, the denominator of every peak fraction.
    var peakGFLOPS: Double { Self.flopsPerCycle * clockGHz }

    static func measure() -> MachineRecord {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let firstLine = { (key: String) -> String? in
            cpuinfo.split(separator: "\n").first { $0.hasPrefix(key) }
                .flatMap { $0.split(separator: ":", maxSplits: 1).last }
                .map { $0.trimmingCharacters(in: .whitespaces) }
        }
        let flags = Set((firstLine("flags") ?? firstLine("Features") ?? "").split(separator: " ").map(String.init))
        return MachineRecord(
            cpuModel: firstLine("model name") ?? "unknown",
            logicalCores: ProcessInfo.processInfo.activeProcessorCount,
            hasAVX2: flags.contains("avx2"), hasFMA: flags.contains("fma"),
            clockGHz: ClockProbe.clockGHz(),
            fmaThroughputGFLOPS: ClockProbe.fmaThroughputGFLOPS())
    }

    var record: JSONLine {
        JSONLine([
            "machine": .string(cpuModel), "cores": .integer(logicalCores),
            "avx2": .boolean(hasAVX2), "fma": .boolean(hasFMA),
            "clock_ghz": .number(clockGHz), "peak_gflops": .number(peakGFLOPS),
            "fma_loop_gflops": .number(fmaThroughputGFLOPS),
            "avx512_vnni": .boolean(Int8GEMMKernels.avx512VNNIIsSupported),
            "int8_kernels": .string(Int8GEMMKernels.selected.rawValue),
            "swift": .string(compilerVersion), "arch": .string(architectureName),
            "malloc_counter": .string(allocationCounterState),
            "load_avg": .number(loadAverage), "date": .string(ISO8601DateFormatter().string(from: Date())),
        ])
    }

    private var loadAverage: Double {
        var loads = [Double](repeating: 0, count: 3)
        return getloadavg(&loads, 3) > 0 ? loads[0] : .nan
    }
}

/// Whether the model rows' `mallocs` figures can be trusted: the counter must see a known allocation.
private var allocationCounterState: String {
    guard allocation_counter_is_available() != 0 else { return "unavailable" }
    let before = allocation_counter_total()
    let probe = UnsafeMutablePointer<Float>.allocate(capacity: 1024)
    let after = allocation_counter_total()
    probe.deallocate()
    return after > before ? "verified" : "not counting"
}

private var architectureName: String {
    #if arch(x86_64)
    "x86_64"
    #elseif arch(arm64)
    "arm64"
    #else
    "other"
    #endif
}

/// The compiler that built this binary (the language offers only `>=` tests, hence the ladder).
private var compilerVersion: String {
    #if compiler(>=6.4)
    ">=6.4"
    #elseif compiler(>=6.3.2)
    "6.3.2+"
    #elseif compiler(>=6.3.1)
    "6.3.1"
    #elseif compiler(>=6.3)
    "6.3"
    #elseif compiler(>=6.2)
    "6.2"
    #else
    "<6.2"
    #endif
}
