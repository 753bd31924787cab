/// One LSTM cell update from pre-activation gates `[i, f, g, o]` (each `hidden` wide):
/// `c = σ(f)·c + σ(i)·tanh(g)`, `h = σ(o)·tanh(c)`, in place on `c` and `h`.
public func lstmCellF32(hidden: Int, gates: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>,
                        h: UnsafeMutablePointer<Float>) {
    var j = 0
    while j + 8 <= hidden {
        let (cell, out) = lstmCellF32x8(loadF32x8(gates + j), loadF32x8(gates + hidden + j),
                                        loadF32x8(gates + 2 * hidden + j), loadF32x8(gates + 3 * hidden + j),
                                        loadF32x8(c + j))
        storeF32x8(cell, c + j)
        storeF32x8(out, h + j)
        j += 8
    }
    if j < hidden {
        let n = hidden - j
        let (cell, out) = lstmCellF32x8(loadF32x8(gates + j, count: n), loadF32x8(gates + hidden + j, count: n),
                                        loadF32x8(gates + 2 * hidden + j, count: n),
                                        loadF32x8(gates + 3 * hidden + j, count: n), loadF32x8(c + j, count: n))
        storeF32x8(cell, c + j, count: n)
        storeF32x8(out, h + j, count: n)
    }
}

/// Eight lanes of the cell update: returns the new cell state and hidden state.
@inline(__always)
func lstmCellF32x8(_ i: SIMD8<Float>, _ f: SIMD8<Float>, _ g: SIMD8<Float>, _ o: SIMD8<Float>,
                   _ c: SIMD8<Float>) -> (SIMD8<Float>, SIMD8<Float>) {
    let cell = lstmCellStateF32x8(lstmCellInputF32x8(i, g), f, c)
    return (cell, lstmCellOutputF32x8(o, cell))
}

/// The cell update's three stages, which `lstmRecurrentStepF32` spreads over the next block's
/// sums: `σ(i)·tanh(g)`, then the new cell `σ(f)·c + that`, then `σ(o)·tanh(cell)`.
@inline(always)
func lstmCellInputF32x8(_ i: SIMD8<Float>, _ g: SIMD8<Float>) -> SIMD8<Float> {
    sigmoidF32x8(i) * tanhF32x8(g)
}

@inline(always)
func lstmCellStateF32x8(_ input: SIMD8<Float>, _ f: SIMD8<Float>, _ c: SIMD8<Float>) -> SIMD8<Float> {
    var cell = input
    cell.addProduct(sigmoidF32x8(f), c)
    return cell
}

@inline(always)
func lstmCellOutputF32x8(_ o: SIMD8<Float>, _ cell: SIMD8<Float>) -> SIMD8<Float> {
    sigmoidF32x8(o) * tanhF32x8(cell)
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
