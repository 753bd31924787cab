/// Measures the core clock and the FP32 FMA rate from inside the process, so peak fractions
/// use the clock this machine actually ran at rather than a nominal one.
enum ClockProbe {
    /// Core clock in GHz: a chain of dependent integer add/xor pairs runs at one operation per
    /// cycle on any x86_64 or aarch64 core, so operations per nanosecond is cycles per ns.
    /// Timed in thread CPU time; the fastest of `samples` runs, since interference (a
    /// hypervisor stealing the core, cache-cold starts) only ever slows a run down.
    static func clockGHz(operations: Int = 50_000_000, samples: Int = 7) -> Double {
        let iterations = operations / 16
        var rates: [Double] = []
        for sample in 0..<samples {
            let start = threadCPUNanoseconds()
            let sink = dependentAddXorChain(iterations: iterations, seed: UInt64(sample), step: 0x9E37_79B9, mask: 0x5555)
            let elapsed = threadCPUNanoseconds() &- start
            blackHole(sink)
            rates.append(Double(iterations * 16) / Double(elapsed))
        }
        return rates.max() ?? .nan
    }

    /// Sustained FP32 FLOP/s (in GFLOP/s) of 12 independent 8-lane FMA chains: enough chains to
    /// cover a 4–5 cycle FMA latency on two pipes, so this is the core's FMA throughput.
    /// Timed like `clockGHz`.
    static func fmaThroughputGFLOPS(iterations: Int = 2_000_000, samples: Int = 7) -> Double {
        var rates: [Double] = []
        for sample in 0..<samples {
            let start = threadCPUNanoseconds()
            let sink = independentFMAChains(iterations: iterations, seed: Float(sample) * 1e-3)
            let elapsed = threadCPUNanoseconds() &- start
            blackHole(sink)
            let flops = Double(iterations) * 12 * 8 * 2
            rates.append(flops / Double(elapsed))
        }
        return rates.max() ?? .nan
    }

    @inline(never)
    private static func dependentAddXorChain(iterations: Int, seed: UInt64, step: UInt64, mask: UInt64) -> UInt64 {
        var x = seed
        for _ in 0..<iterations {
            x = (x &+ step) ^ mask; x = (x &+ step) ^ mask; x = (x &+ step) ^ mask; x = (x &+ step) ^ mask
            x = (x &+ step) ^ mask; x = (x &+ step) ^ mask; x = (x &+ step) ^ mask; x = (x &+ step) ^ mask
        }
        return x
    }

    @inline(never)
    private static func independentFMAChains(iterations: Int, seed: Float) -> Float {
        let factor = SIMD8<Float>(repeating: 0.999_999)
        let offset = SIMD8<Float>(repeating: 1e-7)
        var a0 = SIMD8<Float>(repeating: seed), a1 = a0 + 1, a2 = a0 + 2, a3 = a0 + 3
        var a4 = a0 + 4, a5 = a0 + 5, a6 = a0 + 6, a7 = a0 + 7
        var a8 = a0 + 8, a9 = a0 + 9, a10 = a0 + 10, a11 = a0 + 11
        for _ in 0..<iterations {
            a0 = offset.addingProduct(a0, factor); a1 = offset.addingProduct(a1, factor)
            a2 = offset.addingProduct(a2, factor); a3 = offset.addingProduct(a3, factor)
            a4 = offset.addingProduct(a4, factor); a5 = offset.addingProduct(a5, factor)
            a6 = offset.addingProduct(a6, factor); a7 = offset.addingProduct(a7, factor)
            a8 = offset.addingProduct(a8, factor); a9 = offset.addingProduct(a9, factor)
            a10 = offset.addingProduct(a10, factor); a11 = offset.addingProduct(a11, factor)
        }
        let sum = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11))
        return sum.sum()
    }
}

/// Keeps a computed value alive so the optimizer cannot drop the work that produced it.
@inline(never)
func blackHole<T>(_ value: T) {
    withExtendedLifetime(value) {}
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    let mid = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
