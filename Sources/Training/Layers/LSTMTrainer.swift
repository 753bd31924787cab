import Kernels
import Engine
import Foundation

/// LSTM over `[T, F]` returning the last hidden state, backpropagated through time. Weights are
/// stored transposed during training (`W_ihᵀ [F, 4H]`, `W_hhᵀ [H, 4H]`, gate columns i, f, g, o)
/// so each step is two GEMMs over the sub-batch; the engine's `[4H, F]`/`[4H, H]` on export.
final class LSTMTrainer: TrainingLayer {
    let name: String
    let steps: Int, features: Int, hidden: Int
    var inputCount: Int { steps * features }
    var outputCount: Int { hidden }
    var parameterCount: Int { (features + hidden + 1) * 4 * hidden }
    private var gateWidth: Int { 4 * hidden }
    /// Post-activation gates `[T, N, 4H]`, their gradients, cells and hidden states `[T+1, N, H]` (slot 0 = zero state).
    private let gates: FloatBuffer, gateGradients: FloatBuffer, cells: FloatBuffer, states: FloatBuffer
    private let out: FloatBuffer, dx: FloatBuffer, dh: FloatBuffer, dc: FloatBuffer
    private let recurrent: FloatBuffer, inputWeights: FloatBuffer
    var output: UnsafeMutablePointer<Float> { out.pointer }
    var inputGradient: UnsafeMutablePointer<Float> { dx.pointer }

    init(name: String, steps: Int, features: Int, hidden: Int, capacity: Int) {
        self.name = name; self.steps = steps; self.features = features; self.hidden = hidden
        gates = FloatBuffer(count: steps * capacity * 4 * hidden)
        gateGradients = FloatBuffer(count: steps * capacity * 4 * hidden)
        cells = FloatBuffer(count: (steps + 1) * capacity * hidden)
        states = FloatBuffer(count: (steps + 1) * capacity * hidden)
        out = FloatBuffer(count: capacity * hidden)
        dx = FloatBuffer(count: capacity * steps * features)
        dh = FloatBuffer(count: capacity * hidden)
        dc = FloatBuffer(count: capacity * hidden)
        recurrent = FloatBuffer(count: 4 * hidden * hidden)
        inputWeights = FloatBuffer(count: 4 * hidden * features)
    }

    private func weightsIH(_ p: UnsafePointer<Float>) -> UnsafePointer<Float> { p }
    private func weightsHH(_ p: UnsafePointer<Float>) -> UnsafePointer<Float> { p + features * gateWidth }
    private func bias(_ p: UnsafePointer<Float>) -> UnsafePointer<Float> { p + (features + hidden) * gateWidth }

    func forward(_ x: UnsafePointer<Float>, batch: Int, parameters: UnsafePointer<Float>) {
        let g4 = gateWidth, h = hidden, stateSize = batch * h
        cells.pointer.update(repeating: 0, count: stateSize)
        states.pointer.update(repeating: 0, count: stateSize)
        let b = bias(parameters)
        for t in 0..<steps {
            let g = gates.pointer + t * batch * g4
            for n in 0..<batch { (g + n * g4).update(from: b, count: g4) }
            gemmStridedF32(m: batch, n: g4, k: features, a: x + t * features, rowStride: steps * features, colStride: 1,
                           b: weightsIH(parameters), ldb: g4, c: g, ldc: g4, accumulate: true)
            gemmStridedF32(m: batch, n: g4, k: h, a: states.pointer + t * stateSize, rowStride: h, colStride: 1,
                           b: weightsHH(parameters), ldb: g4, c: g, ldc: g4, accumulate: true)
            let cPrev = cells.pointer + t * stateSize, cNext = cells.pointer + (t + 1) * stateSize
            let hNext = states.pointer + (t + 1) * stateSize
            for n in 0..<batch {
                let row = g + n * g4
                for j in 0..<h {
                    let i = sigmoid(row[j]), f = sigmoid(row[h + j]), c = tanh(row[2 * h + j]), o = sigmoid(row[3 * h + j])
                    row[j] = i; row[h + j] = f; row[2 * h + j] = c; row[3 * h + j] = o
                    let cell = f * cPrev[n * h + j] + i * c
                    cNext[n * h + j] = cell
                    hNext[n * h + j] = o * tanh(cell)
                }
            }
        }
        out.pointer.update(from: states.pointer + steps * stateSize, count: stateSize)
    }

    func backward(_ x: UnsafePointer<Float>, outputGradient dy: UnsafeMutablePointer<Float>, batch: Int,
                  parameters: UnsafePointer<Float>, gradients: UnsafeMutablePointer<Float>, needsInputGradient: Bool) {
        let g4 = gateWidth, h = hidden, stateSize = batch * h
        dh.pointer.update(from: dy, count: stateSize)
        dc.pointer.update(repeating: 0, count: stateSize)
        transposeF32(rows: h, cols: g4, src: weightsHH(parameters), dst: recurrent.pointer)
        if needsInputGradient { transposeF32(rows: features, cols: g4, src: weightsIH(parameters), dst: inputWeights.pointer) }
        for t in stride(from: steps - 1, through: 0, by: -1) {
            let g = gates.pointer + t * batch * g4, dg = gateGradients.pointer + t * batch * g4
            let cPrev = cells.pointer + t * stateSize, cNow = cells.pointer + (t + 1) * stateSize
            for n in 0..<batch {
                let row = g + n * g4, drow = dg + n * g4
                for j in 0..<h {
                    let i = row[j], f = row[h + j], c = row[2 * h + j], o = row[3 * h + j]
                    let k = n * h + j
                    let tc = tanh(cNow[k]), dhv = dh.pointer[k]
                    let dcv = dc.pointer[k] + dhv * o * (1 - tc * tc)
                    drow[j] = dcv * c * i * (1 - i)
                    drow[h + j] = dcv * cPrev[k] * f * (1 - f)
                    drow[2 * h + j] = dcv * i * (1 - c * c)
                    drow[3 * h + j] = dhv * tc * o * (1 - o)
                    dc.pointer[k] = dcv * f
                }
            }
            gemmStridedF32(m: batch, n: h, k: g4, a: dg, rowStride: g4, colStride: 1,
                           b: recurrent.pointer, ldb: h, c: dh.pointer, ldc: h, accumulate: false)
            gemmStridedF32(m: features, n: g4, k: batch, a: x + t * features, rowStride: 1, colStride: steps * features,
                           b: dg, ldb: g4, c: gradients, ldc: g4, accumulate: true)
            if needsInputGradient {
                gemmStridedF32(m: batch, n: features, k: g4, a: dg, rowStride: g4, colStride: 1,
                               b: inputWeights.pointer, ldb: features, c: dx.pointer + t * features,
                               ldc: steps * features, accumulate: false)
            }
        }
        gemmStridedF32(m: h, n: g4, k: steps * batch, a: states.pointer, rowStride: 1, colStride: h,
                       b: gateGradients.pointer, ldb: g4, c: gradients + features * g4, ldc: g4, accumulate: true)
        let dBias = gradients + (features + hidden) * g4
        for r in 0..<(steps * batch) {
            let row = gateGradients.pointer + r * g4
            for j in 0..<g4 { dBias[j] += row[j] }
        }
    }

    /// Keras' LSTM defaults: Glorot input kernel, orthogonal recurrent kernel, forget-gate bias 1.
    func initialize(_ parameters: UnsafeMutablePointer<Float>, random: inout SeededRandom) {
        let g4 = gateWidth
        fillGlorot(parameters, count: features * g4, fanIn: features, fanOut: g4, random: &random)
        let recurrentT = parameters + features * g4
        for i in 0..<(hidden * g4) { recurrentT[i] = random.normal() }
        for r in 0..<hidden {
            let row = recurrentT + r * g4
            for q in 0..<r {
                let other = recurrentT + q * g4
                var dot: Float = 0
                for j in 0..<g4 { dot += row[j] * other[j] }
                for j in 0..<g4 { row[j] -= dot * other[j] }
            }
            var norm: Float = 0
            for j in 0..<g4 { norm += row[j] * row[j] }
            let inverse = 1 / norm.squareRoot()
            for j in 0..<g4 { row[j] *= inverse }
        }
        let b = parameters + (features + hidden) * g4
        b.update(repeating: 0, count: g4)
        (b + hidden).update(repeating: 1, count: hidden)
    }

    func export(_ parameters: UnsafePointer<Float>) -> [String: Tensor] {
        let g4 = gateWidth
        var ih = [Float](repeating: 0, count: g4 * features), hh = [Float](repeating: 0, count: g4 * hidden)
        for r in 0..<g4 {
            for f in 0..<features { ih[r * features + f] = weightsIH(parameters)[f * g4 + r] }
            for q in 0..<hidden { hh[r * hidden + q] = weightsHH(parameters)[q * g4 + r] }
        }
        return ["\(name).W_ih": Tensor(shape: [g4, features], floats: ih),
                "\(name).W_hh": Tensor(shape: [g4, hidden], floats: hh),
                "\(name).bias": Tensor(shape: [g4], floats: Array(UnsafeBufferPointer(start: bias(parameters), count: g4)))]
    }

    func load(_ tensors: [String: Tensor], into parameters: UnsafeMutablePointer<Float>) throws(TrainingError) {
        let g4 = gateWidth
        let ih = try floats(tensors, "\(name).W_ih", shape: [g4, features])
        let hh = try floats(tensors, "\(name).W_hh", shape: [g4, hidden])
        let b = try floats(tensors, "\(name).bias", shape: [g4])
        for r in 0..<g4 {
            for f in 0..<features { parameters[f * g4 + r] = ih[r * features + f] }
            for q in 0..<hidden { parameters[features * g4 + q * g4 + r] = hh[r * hidden + q] }
            parameters[(features + hidden) * g4 + r] = b[r]
        }
    }
}

@inline(__always) func sigmoid(_ x: Float) -> Float { 1 / (1 + exp(-x)) }
