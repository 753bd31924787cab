/// SplitMix64: a small seeded generator so every int8 kernel test sees the same operands.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension Array where Element == UInt8 {
    static func random(count: Int, using g: inout SeededGenerator) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &g) }
    }
}

extension Array where Element == Int8 {
    /// Symmetric int8 weights as the quantizer produces them: −127…127.
    static func random(count: Int, using g: inout SeededGenerator) -> [Int8] {
        (0..<count).map { _ in Int8.random(in: -127...127, using: &g) }
    }
}

/// `[rows][columns]` → `[columns][rows]`.
func transposed<T>(_ x: [T], rows: Int, columns: Int) -> [T] {
    (0..<columns * rows).map { x[($0 % rows) * columns + $0 / rows] }
}
