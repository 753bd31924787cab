import Kernels
import Engine

/// Convolution over NHWC activations as im2col + GEMM: `out[P, O] = col[P, K] · W[K, O]` with
/// P = batch·OH·OW and K = KH·KW·C. The weight is stored `[KH, KW, C, O]` during training and
/// converted to the engine's OIHW on export. Also serves as the ViT patch embedding (stride = kernel).
final class Conv2DTrainer: TrainingLayer {
    let name: String
    let c: Int, h: Int, w: Int, o: Int
    let kh: Int, kw: Int, sh: Int, sw: Int, ph: Int, pw: Int
    let oh: Int, ow: Int
    let activation: Activation
    let weightRole: String
    var kSize: Int { kh * kw * c }
    var inputCount: Int { c * h * w }
    var outputCount: Int { o * oh * ow }
    var parameterCount: Int { kSize * o + o }

    private let out: FloatBuffer, dx: FloatBuffer, col: FloatBuffer, dcol: FloatBuffer, wT: FloatBuffer
    var output: UnsafeMutablePointer<Float> { out.pointer }
    var inputGradient: UnsafeMutablePointer<Float> { dx.pointer }

    init(name: String, input: [Int], outChannels: Int, kernel: [Int], stride: [Int], padding: [Int],
         activation: Activation, capacity: Int) {
        self.name = name
        c = input[0]; h = input[1]; w = input[2]; o = outChannels
        kh = kernel[0]; kw = kernel[1]; sh = stride[0]; sw = stride[1]; ph = padding[0]; pw = padding[1]
        oh = (h + 2 * ph - kh) / sh + 1; ow = (w + 2 * pw - kw) / sw + 1
        self.activation = activation
        weightRole = "weight"
        let positions = capacity * oh * ow
        out = FloatBuffer(count: positions * o)
        dx = FloatBuffer(count: capacity * c * h * w)
        col = FloatBuffer(count: positions * kh * kw * c)
        dcol = FloatBuffer(count: positions * kh * kw * c)
        wT = FloatBuffer(count: kh * kw * c * o)
    }

    func forward(_ x: UnsafePointer<Float>, batch: Int, parameters: UnsafePointer<Float>) {
        let positions = batch * oh * ow, k = kSize
        im2col(x, batch: batch)
        let bias = parameters + k * o
        for p in 0..<positions { (out.pointer + p * o).update(from: bias, count: o) }
        gemmStridedF32(m: positions, n: o, k: k, a: col.pointer, rowStride: k, colStride: 1,
                       b: parameters, ldb: o, c: out.pointer, ldc: o, accumulate: true)
        applyActivation(activation, out.pointer, count: positions * o)
    }

    func backward(_ x: UnsafePointer<Float>, outputGradient dy: UnsafeMutablePointer<Float>, batch: Int,
                  parameters: UnsafePointer<Float>, gradients: UnsafeMutablePointer<Float>, needsInputGradient: Bool) {
        let positions = batch * oh * ow, k = kSize
        activationBackward(activation, y: out.pointer, dy: dy, count: positions * o)
        let dBias = gradients + k * o
        for p in 0..<positions {
            let row = dy + p * o
            for j in 0..<o { dBias[j] += row[j] }
        }
        gemmStridedF32(m: k, n: o, k: positions, a: col.pointer, rowStride: 1, colStride: k,
                       b: dy, ldb: o, c: gradients, ldc: o, accumulate: true)
        guard needsInputGradient else { return }
        transposeF32(rows: k, cols: o, src: parameters, dst: wT.pointer)
        gemmStridedF32(m: positions, n: k, k: o, a: dy, rowStride: o, colStride: 1,
                       b: wT.pointer, ldb: k, c: dcol.pointer, ldc: k, accumulate: false)
        col2im(batch: batch)
    }

    /// Row (n, y, x) of `col` holds the patch in (ky, kx, c) order, zeros where it overhangs.
    private func im2col(_ x: UnsafePointer<Float>, batch: Int) {
        var row = col.pointer
        for n in 0..<batch {
            let image = x + n * h * w * c
            for oy in 0..<oh {
                for ox in 0..<ow {
                    for ky in 0..<kh {
                        let iy = oy * sh + ky - ph
                        for kx in 0..<kw {
                            let ix = ox * sw + kx - pw
                            let dst = row + (ky * kw + kx) * c
                            if iy < 0 || iy >= h || ix < 0 || ix >= w {
                                dst.update(repeating: 0, count: c)
                            } else {
                                dst.update(from: image + (iy * w + ix) * c, count: c)
                            }
                        }
                    }
                    row += kSize
                }
            }
        }
    }

    private func col2im(batch: Int) {
        dx.pointer.update(repeating: 0, count: batch * h * w * c)
        var row = UnsafePointer(dcol.pointer)
        for n in 0..<batch {
            let image = dx.pointer + n * h * w * c
            for oy in 0..<oh {
                for ox in 0..<ow {
                    for ky in 0..<kh {
                        let iy = oy * sh + ky - ph
                        guard iy >= 0, iy < h else { continue }
                        for kx in 0..<kw {
                            let ix = ox * sw + kx - pw
                            guard ix >= 0, ix < w else { continue }
                            let src = row + (ky * kw + kx) * c, dst = image + (iy * w + ix) * c
                            for ch in 0..<c { dst[ch] += src[ch] }
                        }
                    }
                    row += kSize
                }
            }
        }
    }

    func initialize(_ parameters: UnsafeMutablePointer<Float>, random: inout SeededRandom) {
        fillGlorot(parameters, count: kSize * o, fanIn: kSize, fanOut: kh * kw * o, random: &random)
        (parameters + kSize * o).update(repeating: 0, count: o)
    }

    func export(_ parameters: UnsafePointer<Float>) -> [String: Tensor] {
        var oihw = [Float](repeating: 0, count: kSize * o)
        for oc in 0..<o { for ic in 0..<c { for ky in 0..<kh { for kx in 0..<kw {
            oihw[((oc * c + ic) * kh + ky) * kw + kx] = parameters[((ky * kw + kx) * c + ic) * o + oc]
        } } } }
        return ["\(name).weight": Tensor(shape: [o, c, kh, kw], floats: oihw),
                "\(name).bias": Tensor(shape: [o], floats: Array(UnsafeBufferPointer(start: parameters + kSize * o, count: o)))]
    }

    func load(_ tensors: [String: Tensor], into parameters: UnsafeMutablePointer<Float>) throws(TrainingError) {
        let oihw = try floats(tensors, "\(name).weight", shape: [o, c, kh, kw])
        let bias = try floats(tensors, "\(name).bias", shape: [o])
        for oc in 0..<o { for ic in 0..<c { for ky in 0..<kh { for kx in 0..<kw {
            parameters[((ky * kw + kx) * c + ic) * o + oc] = oihw[((oc * c + ic) * kh + ky) * kw + kx]
        } } } }
        for j in 0..<o { parameters[kSize * o + j] = bias[j] }
    }
}
