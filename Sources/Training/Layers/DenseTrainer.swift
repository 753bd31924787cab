import Kernels
import Engine
import Foundation

/// `y = x·W + b` over the last axis of `rows` vectors per sample, weight stored `[in, out]` during
/// training. When it follows a flatten of an NHWC activation, `flattenedFrom` ([C, H, W]) maps
/// the input order to the engine's CHW flatten on export. GELU (exact erf) is fused here.
final class DenseTrainer: TrainingLayer {
    let name: String
    let inFeatures: Int, outFeatures: Int, rows: Int
    let activation: Activation
    let flattenedFrom: [Int]?
    var inputCount: Int { rows * inFeatures }
    var outputCount: Int { rows * outFeatures }
    var parameterCount: Int { inFeatures * outFeatures + outFeatures }
    private let out: FloatBuffer, dx: FloatBuffer, preActivation: FloatBuffer, wT: FloatBuffer
    var output: UnsafeMutablePointer<Float> { out.pointer }
    var inputGradient: UnsafeMutablePointer<Float> { dx.pointer }

    init(name: String, rows: Int, inFeatures: Int, outFeatures: Int, activation: Activation,
         flattenedFrom: [Int]? = nil, capacity: Int) {
        self.name = name; self.rows = rows; self.inFeatures = inFeatures; self.outFeatures = outFeatures
        self.activation = activation; self.flattenedFrom = flattenedFrom
        out = FloatBuffer(count: capacity * rows * outFeatures)
        dx = FloatBuffer(count: capacity * rows * inFeatures)
        preActivation = FloatBuffer(count: activation == .gelu ? capacity * rows * outFeatures : 0)
        wT = FloatBuffer(count: inFeatures * outFeatures)
    }

    func forward(_ x: UnsafePointer<Float>, batch: Int, parameters: UnsafePointer<Float>) {
        let m = batch * rows
        let bias = parameters + inFeatures * outFeatures
        for r in 0..<m { (out.pointer + r * outFeatures).update(from: bias, count: outFeatures) }
        gemmStridedF32(m: m, n: outFeatures, k: inFeatures, a: x, rowStride: inFeatures, colStride: 1,
                       b: parameters, ldb: outFeatures, c: out.pointer, ldc: outFeatures, accumulate: true)
        if activation == .gelu {
            let count = m * outFeatures
            preActivation.pointer.update(from: out.pointer, count: count)
            for i in 0..<count {
                let v = out.pointer[i]
                out.pointer[i] = 0.5 * v * (1 + erf(v * 0.70710678))
            }
        } else {
            applyActivation(activation, out.pointer, count: m * outFeatures)
        }
    }

    func backward(_ x: UnsafePointer<Float>, outputGradient dy: UnsafeMutablePointer<Float>, batch: Int,
                  parameters: UnsafePointer<Float>, gradients: UnsafeMutablePointer<Float>, needsInputGradient: Bool) {
        let m = batch * rows
        if activation == .gelu {
            for i in 0..<(m * outFeatures) {
                let v = preActivation.pointer[i]
                let cdf = 0.5 * (1 + erf(v * 0.70710678))
                let pdf = exp(-0.5 * v * v) * 0.39894228
                dy[i] *= cdf + v * pdf
            }
        } else {
            activationBackward(activation, y: out.pointer, dy: dy, count: m * outFeatures)
        }
        let dBias = gradients + inFeatures * outFeatures
        for r in 0..<m {
            let row = dy + r * outFeatures
            for j in 0..<outFeatures { dBias[j] += row[j] }
        }
        gemmStridedF32(m: inFeatures, n: outFeatures, k: m, a: x, rowStride: 1, colStride: inFeatures,
                       b: dy, ldb: outFeatures, c: gradients, ldc: outFeatures, accumulate: true)
        guard needsInputGradient else { return }
        transposeF32(rows: inFeatures, cols: outFeatures, src: parameters, dst: wT.pointer)
        gemmStridedF32(m: m, n: inFeatures, k: outFeatures, a: dy, rowStride: outFeatures, colStride: 1,
                       b: wT.pointer, ldb: inFeatures, c: dx.pointer, ldc: inFeatures, accumulate: false)
    }

    /// Engine input index of training input index `i` (identity unless flattened from NHWC).
    private func engineInputIndex(_ i: Int) -> Int {
        guard let s = flattenedFrom else { return i }
        let (c, h, w) = (s[0], s[1], s[2])
        let ch = i % c, pixel = i / c
        return ch * h * w + pixel
    }

    func initialize(_ parameters: UnsafeMutablePointer<Float>, random: inout SeededRandom) {
        fillGlorot(parameters, count: inFeatures * outFeatures, fanIn: inFeatures, fanOut: outFeatures, random: &random)
        (parameters + inFeatures * outFeatures).update(repeating: 0, count: outFeatures)
    }

    func export(_ parameters: UnsafePointer<Float>) -> [String: Tensor] {
        var weight = [Float](repeating: 0, count: inFeatures * outFeatures)
        for i in 0..<inFeatures {
            let e = engineInputIndex(i)
            for j in 0..<outFeatures { weight[j * inFeatures + e] = parameters[i * outFeatures + j] }
        }
        let bias = Array(UnsafeBufferPointer(start: parameters + inFeatures * outFeatures, count: outFeatures))
        return ["\(name).weight": Tensor(shape: [outFeatures, inFeatures], floats: weight),
                "\(name).bias": Tensor(shape: [outFeatures], floats: bias)]
    }

    func load(_ tensors: [String: Tensor], into parameters: UnsafeMutablePointer<Float>) throws(TrainingError) {
        let weight = try floats(tensors, "\(name).weight", shape: [outFeatures, inFeatures])
        let bias = try floats(tensors, "\(name).bias", shape: [outFeatures])
        for i in 0..<inFeatures {
            let e = engineInputIndex(i)
            for j in 0..<outFeatures { parameters[i * outFeatures + j] = weight[j * inFeatures + e] }
        }
        for j in 0..<outFeatures { parameters[inFeatures * outFeatures + j] = bias[j] }
    }
}
