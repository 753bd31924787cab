/// One LSTM cell update from pre-activation gates `[i, f, g, o]` (each `hidden` wide):
/// `c = σ(f)·c + σ(i)·tanh(g)`, `h = σ(o)·tanh(c)`, in place on `c` and `h`.
public func lstmCellF32(hidden: Int, gates: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>,
                        h: UnsafeMutablePointer<Float>) {
    var j = 0
    while j < hidden {
        let n = min(8, hidden - j)
        let i = sigmoidF32x8(loadF32x8(gates + j, count: n))
        let f = sigmoidF32x8(loadF32x8(gates + hidden + j, count: n))
        let g = tanhF32x8(loadF32x8(gates + 2 * hidden + j, count: n))
        let o = sigmoidF32x8(loadF32x8(gates + 3 * hidden + j, count: n))
        var cell = i * g
        cell.addProduct(f, loadF32x8(c + j, count: n))
        storeF32x8(cell, c + j, count: n)
        storeF32x8(o * tanhF32x8(cell), h + j, count: n)
        j += 8
    }
}

/// Scalar reference for `lstmCellF32`, in Double.
public func lstmCellF32Reference(hidden: Int, gates: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>,
                                 h: UnsafeMutablePointer<Float>) {
    func sigmoid(_ x: Float) -> Double { 1 / (1 + _expD(-Double(x))) }
    for j in 0..<hidden {
        let i = sigmoid(gates[j]), f = sigmoid(gates[hidden + j])
        let g = _tanhD(Double(gates[2 * hidden + j])), o = sigmoid(gates[3 * hidden + j])
        let cell = f * Double(c[j]) + i * g
        c[j] = Float(cell)
        h[j] = Float(o * _tanhD(cell))
    }
}
