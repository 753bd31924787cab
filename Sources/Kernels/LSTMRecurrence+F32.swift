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

/// One LSTM step after the first, for `batch` samples: adds `W_hh · previous` (samples
/// `stateStride` apart) to the input gates `gates` (`[i, f, g, o]`, each `hidden` wide, samples
/// `gatesStride` apart; left holding the full pre-activations), then applies the cell update
/// (`lstmCellF32`) to `c` (samples `hidden` apart) and `h` (samples `stateStride` apart, not
/// overlapping `previous`). `W_hh` is packed by `packLSTMRecurrentWeightsF32`.
///
/// Bound by reading `W_hh` from L2. Each block's cell update runs during the next block's sums,
/// in three stages between quarters of the depth loop: the update's long dependency chains then
/// share the out-of-order window with the stream's loads instead of stalling it. Probe, 27 steps
/// of 128 units: 63.1 µs with the whole update between two blocks' sums, 61.6 µs staged; the sums
/// alone 59.2 µs, the updates alone 6.5 µs. `descending` walks the blocks backwards; alternating
/// it from step to step starts each step on the blocks the one before left in L1.
public func lstmRecurrentStepF32(hidden: Int, weights: UnsafePointer<Float>, batch: Int,
                                 previous: UnsafePointer<Float>, h: UnsafeMutablePointer<Float>, stateStride: Int,
                                 gates: UnsafeMutablePointer<Float>, gatesStride: Int,
                                 c: UnsafeMutablePointer<Float>, descending: Bool) {
    let blocks = (hidden + 7) / 8
    let step = LSTMRecurrentStepF32(hidden: hidden, weights: weights, batch: batch, previous: previous, h: h,
                                    stateStride: stateStride, gates: gates, gatesStride: gatesStride, c: c)
    var pending = -1
    for index in 0..<blocks {
        let block = descending ? blocks - 1 - index : index
        step.addRecurrentSums(block: block, updatingCellsOf: pending)
        pending = block
    }
    if pending >= 0 { step.updateCells(block: pending) }
}

/// One step's operands. Full blocks take the inlined whole-vector paths; the one partial block
/// (`hidden` not a multiple of 8) goes through out-of-line partial-vector code, which keeps the
/// hot loop small enough that the cell update stays inlined.
private struct LSTMRecurrentStepF32 {
    let hidden: Int, weights: UnsafePointer<Float>, batch: Int
    let previous: UnsafePointer<Float>, h: UnsafeMutablePointer<Float>, stateStride: Int
    let gates: UnsafeMutablePointer<Float>, gatesStride: Int, c: UnsafeMutablePointer<Float>

    /// `gates[4 × the block's units] += W_hh[those rows] · previous` for every sample, and the
    /// cell update of block `pending` (if ≥ 0), whose sums are complete, staged between quarters
    /// of each sample's depth loop.
    @inline(__always)
    func addRecurrentSums(block: Int, updatingCellsOf pending: Int) {
        let partial = (block + 1) * 8 > hidden
        if partial || pending < 0 || (pending + 1) * 8 > hidden {
            if partial { addPartialRecurrentSums(block: block) } else { addRecurrentSums(block: block) }
            if pending >= 0 { updateCells(block: pending) }
            return
        }
        let quarter = hidden / 4 & ~1, half = hidden / 2 & ~1, threeQuarters = 3 * hidden / 4 & ~1
        let w = weights + block * hidden * 32
        for b in 0..<batch {
            let g = gates + b * gatesStride + block * 8, x = previous + b * stateStride
            let pg = gates + b * gatesStride + pending * 8, cell = c + b * hidden + pending * 8
            var sums = RecurrentSumsF32x8(gates: g, hidden: hidden)
            sums.add(weights: w, x: x, inputs: 0..<quarter)
            let input = lstmCellInputF32x8(loadF32x8(pg), loadF32x8(pg + 2 * hidden))
            sums.add(weights: w, x: x, inputs: quarter..<half)
            let newCell = lstmCellStateF32x8(input, loadF32x8(pg + hidden), loadF32x8(cell))
            storeF32x8(newCell, cell)
            sums.add(weights: w, x: x, inputs: half..<threeQuarters)
            storeF32x8(lstmCellOutputF32x8(loadF32x8(pg + 3 * hidden), newCell), h + b * stateStride + pending * 8)
            sums.add(weights: w, x: x, inputs: threeQuarters..<hidden)
            sums.store(gates: g, hidden: hidden)
        }
    }

    /// `gates[4 × the block's units] += W_hh[those rows] · previous`, for every sample.
    @inline(__always)
    func addRecurrentSums(block: Int) {
        for b in 0..<batch {
            let g = gates + b * gatesStride + block * 8
            var sums = RecurrentSumsF32x8(gates: g, hidden: hidden)
            sums.add(weights: weights + block * hidden * 32, x: previous + b * stateStride, inputs: 0..<hidden)
            sums.store(gates: g, hidden: hidden)
        }
    }

    @inline(never)
    func addPartialRecurrentSums(block: Int) {
        let lanes = hidden - block * 8
        for b in 0..<batch {
            let g = gates + b * gatesStride + block * 8
            var sums = RecurrentSumsF32x8(i: loadF32x8(g, count: lanes), f: loadF32x8(g + hidden, count: lanes),
                                          g: loadF32x8(g + 2 * hidden, count: lanes),
                                          o: loadF32x8(g + 3 * hidden, count: lanes))
            sums.add(weights: weights + block * hidden * 32, x: previous + b * stateStride, inputs: 0..<hidden)
            let (i, f, gate, o) = sums.totals
            storeF32x8(i, g, count: lanes); storeF32x8(f, g + hidden, count: lanes)
            storeF32x8(gate, g + 2 * hidden, count: lanes); storeF32x8(o, g + 3 * hidden, count: lanes)
        }
    }

    /// The cell update of the block's units, for every sample.
    @inline(__always)
    func updateCells(block: Int) {
        if (block + 1) * 8 > hidden { return updatePartialCells(block: block) }
        for b in 0..<batch {
            let g = gates + b * gatesStride + block * 8, cell = c + b * hidden + block * 8
            let (newCell, out) = lstmCellF32x8(loadF32x8(g), loadF32x8(g + hidden), loadF32x8(g + 2 * hidden),
                                               loadF32x8(g + 3 * hidden), loadF32x8(cell))
            storeF32x8(newCell, cell)
            storeF32x8(out, h + b * stateStride + block * 8)
        }
    }

    @inline(never)
    func updatePartialCells(block: Int) {
        let lanes = hidden - block * 8
        for b in 0..<batch {
            let g = gates + b * gatesStride + block * 8, cell = c + b * hidden + block * 8
            let (newCell, out) = lstmCellF32x8(loadF32x8(g, count: lanes), loadF32x8(g + hidden, count: lanes),
                                               loadF32x8(g + 2 * hidden, count: lanes),
                                               loadF32x8(g + 3 * hidden, count: lanes), loadF32x8(cell, count: lanes))
            storeF32x8(newCell, cell, count: lanes)
            storeF32x8(out, h + b * stateStride + block * 8, count: lanes)
        }
    }
}

/// One block's four gate sums for one sample, as two sets of accumulators (even and odd inputs):
/// eight FMA chains, so the blocks already in L1 are not held to one FMA per latency.
private struct RecurrentSumsF32x8 {
    var i: SIMD8<Float>, f: SIMD8<Float>, g: SIMD8<Float>, o: SIMD8<Float>
    var i1 = SIMD8<Float>(), f1 = SIMD8<Float>(), g1 = SIMD8<Float>(), o1 = SIMD8<Float>()

    init(i: SIMD8<Float>, f: SIMD8<Float>, g: SIMD8<Float>, o: SIMD8<Float>) {
        self.i = i; self.f = f; self.g = g; self.o = o
    }

    /// Starts from a full block's input gates.
    @inline(__always)
    init(gates: UnsafePointer<Float>, hidden: Int) {
        self.init(i: loadF32x8(gates), f: loadF32x8(gates + hidden), g: loadF32x8(gates + 2 * hidden),
                  o: loadF32x8(gates + 3 * hidden))
    }

    /// Adds `W_hh[block rows][inputs] · x[inputs]` (the block's packed weights, 32 floats per
    /// input). Every range but the last starts and ends on an even input.
    @inline(__always)
    mutating func add(weights: UnsafePointer<Float>, x: UnsafePointer<Float>, inputs: Range<Int>) {
        var w = weights + inputs.lowerBound * 32, k = inputs.lowerBound
        while k + 2 <= inputs.upperBound {
            let x0 = SIMD8<Float>(repeating: x[k]), x1 = SIMD8<Float>(repeating: x[k + 1])
            i.addProduct(loadF32x8(w), x0); f.addProduct(loadF32x8(w + 8), x0)
            g.addProduct(loadF32x8(w + 16), x0); o.addProduct(loadF32x8(w + 24), x0)
            i1.addProduct(loadF32x8(w + 32), x1); f1.addProduct(loadF32x8(w + 40), x1)
            g1.addProduct(loadF32x8(w + 48), x1); o1.addProduct(loadF32x8(w + 56), x1)
            w += 64; k += 2
        }
        if k < inputs.upperBound {
            let x0 = SIMD8<Float>(repeating: x[k])
            i.addProduct(loadF32x8(w), x0); f.addProduct(loadF32x8(w + 8), x0)
            g.addProduct(loadF32x8(w + 16), x0); o.addProduct(loadF32x8(w + 24), x0)
        }
    }

    /// The four gates' sums: the even and odd accumulators added.
    @inline(always)
    var totals: (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>) { (i + i1, f + f1, g + g1, o + o1) }

    /// Writes a full block's sums back over its gates.
    @inline(__always)
    func store(gates: UnsafeMutablePointer<Float>, hidden: Int) {
        let (i, f, g, o) = totals
        storeF32x8(i, gates); storeF32x8(f, gates + hidden); storeF32x8(g, gates + 2 * hidden)
        storeF32x8(o, gates + 3 * hidden)
    }
}

/// Scalar reference for `lstmRecurrentStepF32`, one sample, with `W_hh` unpacked
/// (`[4·hidden, hidden]`): each gate's sum in Double, then `lstmCellF32Reference`.
public func lstmRecurrentStepF32Reference(hidden: Int, weights: UnsafePointer<Float>, previous: UnsafePointer<Float>,
                                          h: UnsafeMutablePointer<Float>, gates: UnsafeMutablePointer<Float>,
                                          c: UnsafeMutablePointer<Float>) {
    for row in 0..<4 * hidden {
        var sum = Double(gates[row])
        for k in 0..<hidden { sum += Double(weights[row * hidden + k]) * Double(previous[k]) }
        gates[row] = Float(sum)
    }
    lstmCellF32Reference(hidden: hidden, gates: gates, c: c, h: h)
}
