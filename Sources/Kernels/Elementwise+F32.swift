/// `y[i] = a[i] + b[i]` for `count` floats; `y` may alias `a` or `b`.
public func addF32(count: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>) {
    var i = 0
    while i + 8 <= count { storeF32x8(loadF32x8(a + i) + loadF32x8(b + i), y + i); i += 8 }
    while i < count { y[i] = a[i] + b[i]; i += 1 }
}

/// Scalar reference for `addF32`.
public func addF32Reference(count: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>) {
    for i in 0..<count { y[i] = a[i] + b[i] }
}

/// Mean over `rows` rows of `columns` floats into `y[columns]`.
public func meanRowsF32(rows: Int, columns: Int, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>) {
    let inverse = SIMD8<Float>(repeating: 1 / Float(max(rows, 1)))
    var j = 0
    while j < columns {
        let n = min(8, columns - j)
        var sum = SIMD8<Float>()
        for r in 0..<rows { sum += loadF32x8(x + r * columns + j, count: n) }
        storeF32x8(sum * inverse, y + j, count: n)
        j += 8
    }
}

/// Scalar reference for `meanRowsF32`, in Double.
public func meanRowsF32Reference(rows: Int, columns: Int, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>) {
    for j in 0..<columns {
        var sum = 0.0
        for r in 0..<rows { sum += Double(x[r * columns + j]) }
        y[j] = Float(sum / Double(max(rows, 1)))
    }
}
