#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Monotonic time in nanoseconds, cheap enough to read around every timed call.
@inline(__always)
func monotonicNanoseconds() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
}

/// Order statistics of a set of per-call durations.
struct LatencySummary {
    var runs: Int
    var medianNanoseconds: Double
    var p99Nanoseconds: Double

    /// Sorts `durations` in place.
    init(sorting durations: inout [UInt64]) {
        precondition(!durations.isEmpty, "no timed runs")
        durations.sort()
        runs = durations.count
        medianNanoseconds = Self.quantile(0.5, of: durations)
        p99Nanoseconds = Self.quantile(0.99, of: durations)
    }

    /// Linear interpolation between order statistics (numpy's default percentile method).
    private static func quantile(_ q: Double, of sorted: [UInt64]) -> Double {
        let position = q * Double(sorted.count - 1)
        let low = Int(position.rounded(.down))
        let high = min(low + 1, sorted.count - 1)
        let fraction = position - Double(low)
        return Double(sorted[low]) * (1 - fraction) + Double(sorted[high]) * fraction
    }
}

/// Times `body` once per run after `warmup` untimed calls; the durations array is allocated
/// before the first timed call so the measurement itself allocates nothing.
func timeEachCall(warmup: Int, runs: Int, _ body: () throws -> Void) rethrows -> LatencySummary {
    for _ in 0..<warmup { try body() }
    var durations = [UInt64](repeating: 0, count: runs)
    try durations.withUnsafeMutableBufferPointer { slots in
        for index in 0..<runs {
            let start = monotonicNanoseconds()
            try body()
            slots[index] = monotonicNanoseconds() &- start
        }
    }
    return LatencySummary(sorting: &durations)
}

/// CPU time this thread has run, in nanoseconds: unlike wall time it does not grow while the
/// thread waits for a core, so rate probes stay valid on a busy machine.
@inline(__always)
func threadCPUNanoseconds() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
}

/// CPU time of every thread of the process, in nanoseconds (worker threads included).
@inline(__always)
func processCPUNanoseconds() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
}
