import Kernels

/// LSTM over `[T, F]` per sample. The input projection of every step of every sample is one GEMM
/// (`X·W_ihᵀ + b` into `gates`); each step then accumulates `h·W_hhᵀ` onto its slice of `gates`
/// and applies the cell update. Emits the last `h` or, with `returnSequences`, every step's `h`.
final class LSTMStep: Step {
    let point: ActivationPoint?
    let internalPoints: [ActivationPoint]
    let outputCount: Int
    private let steps: Int, features: Int, hidden: Int
    private let returnSequences: Bool
    private let inputWeights: PackedWeights, recurrentWeights: PackedWeights
    private let gates: FloatBuffer, cell: FloatBuffer, state: FloatBuffer, allStates: FloatBuffer

    init(point: ActivationPoint, layer: LSTM, steps: Int, features: Int,
         packer: WeightPacker, capacity: Int) throws(EngineError) {
        self.point = point
        self.steps = steps; self.features = features; hidden = layer.hidden
        returnSequences = layer.returnSequences
        outputCount = point.elementCount
        internalPoints = returnSequences ? [] : [ActivationPoint(name: "\(layer.name).h_all", shape: [steps, hidden])]
        inputWeights = try packer.matrix("\(layer.name).W_ih", bias: "\(layer.name).bias",
                                         inputs: features, outputs: 4 * hidden, rowsPerSample: steps)
        recurrentWeights = try packer.matrix("\(layer.name).W_hh", bias: nil, inputs: hidden, outputs: 4 * hidden,
                                             rowsPerSample: 1)
        gates = FloatBuffer(count: capacity * steps * 4 * hidden)
        cell = FloatBuffer(count: capacity * hidden)
        state = FloatBuffer(count: capacity * hidden)
        allStates = FloatBuffer(count: capacity * steps * hidden)
    }

    func run(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, batch: Int, observe: ActivationObserver) {
        let width = 4 * hidden
        inputWeights.apply(rows: batch * steps, x: x, y: gates.pointer)
        cell.pointer.update(repeating: 0, count: batch * hidden)
        state.pointer.update(repeating: 0, count: batch * hidden)
        let states = returnSequences ? y : allStates.pointer
        for t in 0..<steps {
            let stepGates = gates.pointer + t * width
            if t > 0 {
                recurrentWeights.apply(rows: batch, x: state.pointer, y: stepGates, ldy: steps * width,
                                       accumulate: true)
            }
            for b in 0..<batch {
                let h = state.pointer + b * hidden
                lstmCellF32(hidden: hidden, gates: stepGates + b * steps * width, c: cell.pointer + b * hidden, h: h)
                (states + (b * steps + t) * hidden).update(from: h, count: hidden)
            }
        }
        if !returnSequences {
            report(observe, internalPoints[0], allStates.pointer, batch: batch)
            y.update(from: state.pointer, count: batch * hidden)
        }
    }
}
