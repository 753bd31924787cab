import Foundation

/// Adam over one flat parameter vector (Kingma & Ba, with bias correction; ε as Keras uses).
final class Adam: @unchecked Sendable {
    let beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-7
    private let m: FloatBuffer, v: FloatBuffer
    private(set) var step = 0

    init(count: Int) {
        m = FloatBuffer(count: count); v = FloatBuffer(count: count)
    }

    /// One step. `decay` (with `decayMask`, 1 where it applies) is decoupled weight decay as in
    /// AdamW: the parameter shrinks by `learningRate · decay` of itself, apart from the gradient.
    func update(_ parameters: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>, count: Int, learningRate: Float,
                decay: Float = 0, decayMask: UnsafePointer<Float>? = nil) {
        step += 1
        let correction1 = 1 - pow(beta1, Float(step)), correction2 = 1 - pow(beta2, Float(step))
        let rate = learningRate * correction2.squareRoot() / correction1
        let epsHat = epsilon * correction2.squareRoot()
        let m = m.pointer, v = v.pointer
        if decay > 0, let decayMask {
            let shrink = learningRate * decay
            for i in 0..<count { parameters[i] -= shrink * decayMask[i] * parameters[i] }
        }
        for i in 0..<count {
            let g = gradients[i]
            m[i] = beta1 * m[i] + (1 - beta1) * g
            v[i] = beta2 * v[i] + (1 - beta2) * g * g
            parameters[i] -= rate * m[i] / (v[i].squareRoot() + epsHat)
        }
    }
}
