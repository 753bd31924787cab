import Engine

/// Adds a learned `[T, D]` position table to every sample's tokens.
final class PositionEmbeddingTrainer: TrainingLayer {
    let name: String
    let tokens: Int, width: Int
    var inputCount: Int { tokens * width }
    var outputCount: Int { tokens * width }
    var parameterCount: Int { tokens * width }
    private let out: FloatBuffer, dx: FloatBuffer
    var output: UnsafeMutablePointer<Float> { out.pointer }
    var inputGradient: UnsafeMutablePointer<Float> { dx.pointer }

    init(name: String, tokens: Int, width: Int, capacity: Int) {
        self.name = name; self.tokens = tokens; self.width = width
        out = FloatBuffer(count: capacity * tokens * width)
        dx = FloatBuffer(count: capacity * tokens * width)
    }

    func forward(_ x: UnsafePointer<Float>, batch: Int, parameters: UnsafePointer<Float>) {
        let size = inputCount
        for n in 0..<batch {
            let src = x + n * size, dst = out.pointer + n * size
            for i in 0..<size { dst[i] = src[i] + parameters[i] }
        }
    }

    func backward(_ x: UnsafePointer<Float>, outputGradient dy: UnsafeMutablePointer<Float>, batch: Int,
                  parameters: UnsafePointer<Float>, gradients: UnsafeMutablePointer<Float>, needsInputGradient: Bool) {
        let size = inputCount
        for n in 0..<batch {
            let g = dy + n * size
            for i in 0..<size { gradients[i] += g[i] }
        }
        if needsInputGradient { dx.pointer.update(from: dy, count: batch * size) }
    }

    func initialize(_ parameters: UnsafeMutablePointer<Float>, random: inout SeededRandom) {
        for i in 0..<parameterCount { parameters[i] = 0.02 * random.normal() }
    }

    func export(_ parameters: UnsafePointer<Float>) -> [String: Tensor] {
        [name: Tensor(shape: [tokens, width], floats: Array(UnsafeBufferPointer(start: parameters, count: parameterCount)))]
    }

    func load(_ tensors: [String: Tensor], into parameters: UnsafeMutablePointer<Float>) throws(TrainingError) {
        let table = try floats(tensors, name, shape: [tokens, width])
        for i in 0..<parameterCount { parameters[i] = table[i] }
    }
}

/// Mean over tokens: `[T, D]` to `[D]`.
final class MeanPoolTrainer: TrainingLayer {
    let tokens: Int, width: Int
    var inputCount: Int { tokens * width }
    var outputCount: Int { width }
    var parameterCount: Int { 0 }
    private let out: FloatBuffer, dx: FloatBuffer
    var output: UnsafeMutablePointer<Float> { out.pointer }
    var inputGradient: UnsafeMutablePointer<Float> { dx.pointer }

    init(tokens: Int, width: Int, capacity: Int) {
        self.tokens = tokens; self.width = width
        out = FloatBuffer(count: capacity * width)
        dx = FloatBuffer(count: capacity * tokens * width)
    }

    func forward(_ x: UnsafePointer<Float>, batch: Int, parameters: UnsafePointer<Float>) {
        let scale = 1 / Float(tokens)
        for n in 0..<batch {
            let y = out.pointer + n * width
            y.update(repeating: 0, count: width)
            for t in 0..<tokens {
                let row = x + (n * tokens + t) * width
                for j in 0..<width { y[j] += row[j] }
            }
            for j in 0..<width { y[j] *= scale }
        }
    }

    func backward(_ x: UnsafePointer<Float>, outputGradient dy: UnsafeMutablePointer<Float>, batch: Int,
                  parameters: UnsafePointer<Float>, gradients: UnsafeMutablePointer<Float>, needsInputGradient: Bool) {
        guard needsInputGradient else { return }
        let scale = 1 / Float(tokens)
        for n in 0..<batch {
            let g = dy + n * width
            for t in 0..<tokens {
                let row = dx.pointer + (n * tokens + t) * width
                for j in 0..<width { row[j] = g[j] * scale }
            }
        }
    }

    func initialize(_ parameters: UnsafeMutablePointer<Float>, random: inout SeededRandom) {}
    func export(_ parameters: UnsafePointer<Float>) -> [String: Tensor] { [:] }
    func load(_ tensors: [String: Tensor], into parameters: UnsafeMutablePointer<Float>) throws(TrainingError) {}
}
