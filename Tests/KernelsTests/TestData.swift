/// Deterministic pseudo-random floats for kernel tests (SplitMix64), so failures reproduce.
struct TestData: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [lower, upper).
    mutating func floats(_ count: Int, in lower: Float = -1, _ upper: Float = 1) -> [Float] {
        (0..<count).map { _ in lower + (upper - lower) * Float(next() >> 40) / Float(1 << 24) }
    }
}

/// Sizes that are not multiples of any tile or vector width, plus a few that are.
let awkwardSizes = [1, 3, 7, 17, 33]

func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count)
    return zip(a, b).map { abs($0 - $1) }.max() ?? 0
}
