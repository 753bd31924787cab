import Engine

/// LayerNorm over the last axis (biased variance), `gamma`/`beta` of `[D]`.
final class LayerNormTrainer: TrainingLayer {
    let name: String
    let rows: Int, width: Int, eps: Float
    var inputCount: Int { rows * width }
    var outputCount: Int { rows * width }
    var parameterCount: Int { 2 * width }
    private let out: FloatBuffer, dx: FloatBuffer, normalized: FloatBuffer, inverseDeviation: FloatBuffer
    var output: UnsafeMutablePointer<Float> { out.pointer }
    var inputGradient: UnsafeMutablePointer<Float> { dx.pointer }

    init(name: String, rows: Int, width: Int, eps: Float, capacity: Int) {
        self.name = name; self.rows = rows; self.width = width; self.eps = eps
        out = FloatBuffer(count: capacity * rows * width)
        dx = FloatBuffer(count: capacity * rows * width)
        normalized = FloatBuffer(count: capacity * rows * width)
        inverseDeviation = FloatBuffer(count: capacity * rows)
    }

    func forward(_ x: UnsafePointer<Float>, batch: Int, parameters: UnsafePointer<Float>) {
        let gamma = parameters, beta = parameters + width, d = width
        for r in 0..<(batch * rows) {
            let row = x + r * d, xhat = normalized.pointer + r * d, y = out.pointer + r * d
            var mean: Float = 0
            for j in 0..<d { mean += row[j] }
            mean /= Float(d)
            var variance: Float = 0
            for j in 0..<d { let c = row[j] - mean; variance += c * c }
            let inverse = 1 / (variance / Float(d) + eps).squareRoot()
            inverseDeviation.pointer[r] = inverse
            for j in 0..<d {
                xhat[j] = (row[j] - mean) * inverse
                y[j] = xhat[j] * gamma[j] + beta[j]
            }
        }
    }

    func backward(_ x: UnsafePointer<Float>, outputGradient dy: UnsafeMutablePointer<Float>, batch: Int,
                  parameters: UnsafePointer<Float>, gradients: UnsafeMutablePointer<Float>, needsInputGradient: Bool) {
        let gamma = parameters, d = width
        let dGamma = gradients, dBeta = gradients + d
        for r in 0..<(batch * rows) {
            let g = dy + r * d, xhat = normalized.pointer + r * d, dxRow = dx.pointer + r * d
            var meanG: Float = 0, meanGX: Float = 0
            for j in 0..<d {
                dGamma[j] += g[j] * xhat[j]
                dBeta[j] += g[j]
                let gx = g[j] * gamma[j]
                meanG += gx; meanGX += gx * xhat[j]
            }
            meanG /= Float(d); meanGX /= Float(d)
            let inverse = inverseDeviation.pointer[r]
            for j in 0..<d { dxRow[j] = inverse * (g[j] * gamma[j] - meanG - xhat[j] * meanGX) }
        }
    }

    func initialize(_ parameters: UnsafeMutablePointer<Float>, random: inout SeededRandom) {
        parameters.update(repeating: 1, count: width)
        (parameters + width).update(repeating: 0, count: width)
    }

    func export(_ parameters: UnsafePointer<Float>) -> [String: Tensor] {
        ["\(name).gamma": Tensor(shape: [width], floats: Array(UnsafeBufferPointer(start: parameters, count: width))),
         "\(name).beta": Tensor(shape: [width], floats: Array(UnsafeBufferPointer(start: parameters + width, count: width)))]
    }

    func load(_ tensors: [String: Tensor], into parameters: UnsafeMutablePointer<Float>) throws(TrainingError) {
        let gamma = try floats(tensors, "\(name).gamma", shape: [width])
        let beta = try floats(tensors, "\(name).beta", shape: [width])
        for j in 0..<width { parameters[j] = gamma[j]; parameters[width + j] = beta[j] }
    }
}
