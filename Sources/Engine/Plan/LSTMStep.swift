import Kernels

/// LSTM over `[T, F]` per sample. The input projection of every step of every sample is one GEMM
/// (`X·W_ihᵀ + b` into `gates`); each step then adds `h·W_hhᵀ` to its slice of `gates` and applies
/// the cell update (FP32: both in one pass, `lstmRecurrentStepF32`). Every step's `h` is kept, so
/// a step reads the one before from where it was written. Emits the last `h` or, with
/// `returnSequences`, every step's `h`.
final class LSTMStep: Step {
    let point: ActivationPoint?
    let internalPoints: [ActivationPoint]
    let outputCount: Int
    private let steps: Int, features: Int, hidden: Int
    private let returnSequences: Bool
    private let inputWeights: PackedWeights
    private let recurrentWeights: RecurrentWeights
    private let gates: FloatBuffer, cell: FloatBuffer, allStates: FloatBuffer

    private enum RecurrentWeights {
        /// Packed for `lstmRecurrentStepF32`.
        case fp32(FloatBuffer)
        /// Applied as a matrix; with several samples, to a contiguous copy of their previous `h`
        /// in `rows`.
        case int8(PackedWeights, rows: FloatBuffer)
    }

    init(point: ActivationPoint, layer: LSTM, steps: Int, features: Int,
         packer: WeightPacker, capacity: Int) throws(EngineError) {
        self.point = point
        self.steps = steps; self.features = features; hidden = layer.hidden
        returnSequences = layer.returnSequences
        outputCount = point.elementCount
        internalPoints = returnSequences ? [] : [ActivationPoint(name: "\(layer.name).h_all", shape: [steps, hidden])]
        inputWeights = try packer.matrix("\(layer.name).W_ih", bias: "\(layer.name).bias",
                                         inputs: features, outputs: 4 * hidden, rowsPerSample: steps)
        recurrentWeights = packer.precision == .int8
            ? .int8(try packer.matrix("\(layer.name).W_hh", bias: nil, inputs: hidden, outputs: 4 * hidden,
                                      rowsPerSample: 1), rows: FloatBuffer(count: capacity * hidden))
            : .fp32(try packer.lstmRecurrent("\(layer.name).W_hh", hidden: hidden))
        gates = FloatBuffer(count: capacity * steps * 4 * hidden)
        cell = FloatBuffer(count: capacity * hidden)
        allStates = FloatBuffer(count: capacity * steps * hidden)
    }

    func run(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, batch: Int, observe: ActivationObserver) {
        let width = 4 * hidden
        inputWeights.apply(rows: batch * steps, x: x, y: gates.pointer)
        cell.pointer.update(repeating: 0, count: batch * hidden)
        let states = returnSequences ? y : allStates.pointer
        let stateStride = steps * hidden
        for b in 0..<batch {
            lstmCellF32(hidden: hidden, gates: gates.pointer + b * steps * width, c: cell.pointer + b * hidden,
                        h: states + b * stateStride)
        }
        for t in 1..<steps {
            let stepGates = gates.pointer + t * width
            let previous = states + (t - 1) * hidden, h = states + t * hidden
            switch recurrentWeights {
            case let .fp32(weights):
                lstmRecurrentStepF32(hidden: hidden, weights: weights.pointer, batch: batch, previous: previous, h: h,
                                     stateStride: stateStride, gates: stepGates, gatesStride: steps * width,
                                     c: cell.pointer, descending: t % 2 == 1)
            case let .int8(weights, rows):
                var x = UnsafePointer(previous)
                if batch > 1 {
                    for b in 0..<batch {
                        rows.pointer.advanced(by: b * hidden).update(from: previous + b * stateStride, count: hidden)
                    }
                    x = UnsafePointer(rows.pointer)
                }
                weights.apply(rows: batch, x: x, y: stepGates, ldy: steps * width, accumulate: true)
                for b in 0..<batch {
                    lstmCellF32(hidden: hidden, gates: stepGates + b * steps * width, c: cell.pointer + b * hidden,
                                h: h + b * stateStride)
                }
            }
        }
        if !returnSequences {
            report(observe, internalPoints[0], allStates.pointer, batch: batch)
            for b in 0..<batch {
                (y + b * hidden).update(from: allStates.pointer + b * stateStride + (steps - 1) * hidden, count: hidden)
            }
        }
    }
}
