extension Array where Element == UInt8 {
    static func random(count: Int, using g: inout TestData) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &g) }
    }
}

extension Array where Element == Int8 {
    /// Symmetric int8 weights as the quantizer produces them: −127…127.
    static func random(count: Int, using g: inout TestData) -> [Int8] {
        (0..<count).map { _ in Int8.random(in: -127...127, using: &g) }
    }
}

/// `[rows][columns]` → `[columns][rows]`.
func transposed<T>(_ x: [T], rows: Int, columns: Int) -> [T] {
    (0..<columns * rows).map { x[($0 % rows) * columns + $0 / rows] }
}
