import Engine

/// Max pooling over NHWC activations (floor mode); remembers each window's winner for backward.
final class MaxPoolTrainer: TrainingLayer {
    let c: Int, h: Int, w: Int, kh: Int, kw: Int, sh: Int, sw: Int, oh: Int, ow: Int
    var inputCount: Int { c * h * w }
    var outputCount: Int { c * oh * ow }
    var parameterCount: Int { 0 }
    private let out: FloatBuffer, dx: FloatBuffer, winners: IndexBuffer
    var output: UnsafeMutablePointer<Float> { out.pointer }
    var inputGradient: UnsafeMutablePointer<Float> { dx.pointer }

    init(input: [Int], kernel: [Int], stride: [Int], capacity: Int) {
        c = input[0]; h = input[1]; w = input[2]
        kh = kernel[0]; kw = kernel[1]; sh = stride[0]; sw = stride[1]
        oh = (h - kh) / sh + 1; ow = (w - kw) / sw + 1
        out = FloatBuffer(count: capacity * c * oh * ow)
        dx = FloatBuffer(count: capacity * c * h * w)
        winners = IndexBuffer(count: capacity * c * oh * ow)
    }

    func forward(_ x: UnsafePointer<Float>, batch: Int, parameters: UnsafePointer<Float>) {
        for n in 0..<batch {
            let image = x + n * inputCount
            for oy in 0..<oh {
                for ox in 0..<ow {
                    let base = (n * outputCount) + (oy * ow + ox) * c
                    for ch in 0..<c {
                        var best = -Float.infinity, bestIndex = 0
                        for ky in 0..<kh {
                            for kx in 0..<kw {
                                let index = ((oy * sh + ky) * w + ox * sw + kx) * c + ch
                                if image[index] > best { best = image[index]; bestIndex = index }
                            }
                        }
                        out.pointer[base + ch] = best
                        winners.pointer[base + ch] = Int32(bestIndex)
                    }
                }
            }
        }
    }

    func backward(_ x: UnsafePointer<Float>, outputGradient dy: UnsafeMutablePointer<Float>, batch: Int,
                  parameters: UnsafePointer<Float>, gradients: UnsafeMutablePointer<Float>, needsInputGradient: Bool) {
        guard needsInputGradient else { return }
        dx.pointer.update(repeating: 0, count: batch * inputCount)
        for n in 0..<batch {
            let image = dx.pointer + n * inputCount
            for i in (n * outputCount)..<((n + 1) * outputCount) {
                image[Int(winners.pointer[i])] += dy[i]
            }
        }
    }

    func initialize(_ parameters: UnsafeMutablePointer<Float>, random: inout SeededRandom) {}
    func export(_ parameters: UnsafePointer<Float>) -> [String: Tensor] { [:] }
    func load(_ tensors: [String: Tensor], into parameters: UnsafeMutablePointer<Float>) throws(TrainingError) {}
}
