/// Floats `packLSTMRecurrentWeightsF32` writes for `hidden` units.
public func lstmRecurrentWeightsF32Size(hidden: Int) -> Int {
    (hidden + 7) / 8 * hidden * 32
}

/// Packs `W_hh` (`[4·hidden, hidden]`, gate order i, f, g, o) by blocks of eight hidden units: for
/// each block and each input `k`, the four gates' eight weights in a row (32 floats), the lanes
/// past `hidden` zero. One block (`hidden · 128` bytes) is everything the block's units need.
public func packLSTMRecurrentWeightsF32(hidden: Int, weights: UnsafePointer<Float>,
                                        into packed: UnsafeMutablePointer<Float>) {
    var p = packed
    for block in stride(from: 0, to: hidden, by: 8) {
        for k in 0..<hidden {
            for gate in 0..<4 {
                for lane in 0..<8 {
                    let unit = block + lane
                    p[lane] = unit < hidden ? weights[(gate * hidden + unit) * hidden + k] : 0
                }
                p += 8
            }
        }
    }
}

/// The recurrent half of an LSTM step, for `batch` samples: adds `W_hh · previous` (samples
/// `stateStride` apart) to the pre-activation gates `gates` (`[i, f, g, o]`, each `hidden` wide,
/// samples `gatesStride` apart), with `W_hh` packed by `packLSTMRecurrentWeightsF32`.
///
/// Bound by reading `W_hh` from L2. `descending` walks the unit blocks backwards; alternating it
/// from step to step starts each step on the blocks the one before left in L1. The cell update
/// (`lstmCellF32`) is a separate pass: fused per block, its dependency chain stalls the stream.
public func addLSTMRecurrentF32(hidden: Int, weights: UnsafePointer<Float>, batch: Int,
                                previous: UnsafePointer<Float>, stateStride: Int,
                                gates: UnsafeMutablePointer<Float>, gatesStride: Int, descending: Bool) {
    let blocks = (hidden + 7) / 8
    for index in 0..<blocks {
        let block = descending ? blocks - 1 - index : index
        let unit = block * 8, lanes = min(8, hidden - unit)
        let blockWeights = weights + block * hidden * 32
        for b in 0..<batch {
            let g = gates + b * gatesStride + unit
            let x = previous + b * stateStride
            var i = loadF32x8(g, count: lanes), f = loadF32x8(g + hidden, count: lanes)
            var gg = loadF32x8(g + 2 * hidden, count: lanes), o = loadF32x8(g + 3 * hidden, count: lanes)
            var i1 = SIMD8<Float>(), f1 = SIMD8<Float>(), g1 = SIMD8<Float>(), o1 = SIMD8<Float>()
            var w = blockWeights, k = 0
            // Two inputs per iteration into two sets of accumulators: eight FMA chains, so the
            // blocks already in L1 are not held to one FMA per latency.
            while k + 2 <= hidden {
                let x0 = SIMD8<Float>(repeating: x[k]), x1 = SIMD8<Float>(repeating: x[k + 1])
                i.addProduct(loadF32x8(w), x0); f.addProduct(loadF32x8(w + 8), x0)
                gg.addProduct(loadF32x8(w + 16), x0); o.addProduct(loadF32x8(w + 24), x0)
                i1.addProduct(loadF32x8(w + 32), x1); f1.addProduct(loadF32x8(w + 40), x1)
                g1.addProduct(loadF32x8(w + 48), x1); o1.addProduct(loadF32x8(w + 56), x1)
                w += 64; k += 2
            }
            if k < hidden {
                let x0 = SIMD8<Float>(repeating: x[k])
                i.addProduct(loadF32x8(w), x0); f.addProduct(loadF32x8(w + 8), x0)
                gg.addProduct(loadF32x8(w + 16), x0); o.addProduct(loadF32x8(w + 24), x0)
            }
            storeF32x8(i + i1, g, count: lanes); storeF32x8(f + f1, g + hidden, count: lanes)
            storeF32x8(gg + g1, g + 2 * hidden, count: lanes); storeF32x8(o + o1, g + 3 * hidden, count: lanes)
        }
    }
}

/// Scalar reference for `addLSTMRecurrentF32`, one sample, with `W_hh` unpacked
/// (`[4·hidden, hidden]`), each gate's sum in Double.
public func addLSTMRecurrentF32Reference(hidden: Int, weights: UnsafePointer<Float>, previous: UnsafePointer<Float>,
                                         gates: UnsafeMutablePointer<Float>) {
    for row in 0..<4 * hidden {
        var sum = Double(gates[row])
        for k in 0..<hidden { sum += Double(weights[row * hidden + k]) * Double(previous[k]) }
        gates[row] = Float(sum)
    }
}
