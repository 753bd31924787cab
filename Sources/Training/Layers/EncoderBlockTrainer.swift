import Engine
import Foundation

/// Pre-norm transformer block over `[T, D]`:
/// `r = x + O(attention(Q(ln_a x), K(ln_a x), V(ln_a x)))`, `y = r + mlp2(gelu(mlp1(ln_b r)))`.
final class EncoderBlockTrainer: TrainingLayer {
    let name: String
    let tokens: Int, width: Int
    private let lnA: LayerNormTrainer, q: DenseTrainer, k: DenseTrainer, v: DenseTrainer, o: DenseTrainer
    private let lnB: LayerNormTrainer, mlp1: DenseTrainer, mlp2: DenseTrainer
    private let attention: AttentionCore
    private let parts: [any TrainingLayer]
    private let partOffsets: [Int]
    private let residual: FloatBuffer, out: FloatBuffer, dx: FloatBuffer, dResidual: FloatBuffer
    var inputCount: Int { tokens * width }
    var outputCount: Int { tokens * width }
    let parameterCount: Int
    var output: UnsafeMutablePointer<Float> { out.pointer }
    var inputGradient: UnsafeMutablePointer<Float> { dx.pointer }

    init(block: EncoderBlock, tokens: Int, width: Int, capacity: Int) {
        name = block.name; self.tokens = tokens; self.width = width
        func dense(_ role: String, _ inF: Int, _ outF: Int, _ act: Activation = .none) -> DenseTrainer {
            DenseTrainer(name: "\(block.name).\(role)", rows: tokens, inFeatures: inF, outFeatures: outF,
                         activation: act, capacity: capacity)
        }
        lnA = LayerNormTrainer(name: "\(block.name).ln_a", rows: tokens, width: width, eps: block.eps, capacity: capacity)
        q = dense("q", width, width); k = dense("k", width, width); v = dense("v", width, width); o = dense("o", width, width)
        lnB = LayerNormTrainer(name: "\(block.name).ln_b", rows: tokens, width: width, eps: block.eps, capacity: capacity)
        mlp1 = dense("mlp1", width, block.mlpHidden, .gelu)
        mlp2 = dense("mlp2", block.mlpHidden, width)
        attention = AttentionCore(tokens: tokens, width: width, heads: block.heads, capacity: capacity)
        parts = [lnA, q, k, v, o, lnB, mlp1, mlp2]
        var offset = 0, offsets: [Int] = []
        for part in parts { offsets.append(offset); offset += part.parameterCount }
        partOffsets = offsets
        parameterCount = offset
        let size = capacity * tokens * width
        residual = FloatBuffer(count: size); out = FloatBuffer(count: size)
        dx = FloatBuffer(count: size); dResidual = FloatBuffer(count: size)
    }

    private func slice(_ p: UnsafePointer<Float>, _ index: Int) -> UnsafePointer<Float> { p + partOffsets[index] }

    func forward(_ x: UnsafePointer<Float>, batch: Int, parameters p: UnsafePointer<Float>) {
        let size = batch * tokens * width
        lnA.forward(x, batch: batch, parameters: slice(p, 0))
        let a = UnsafePointer(lnA.output)
        q.forward(a, batch: batch, parameters: slice(p, 1))
        k.forward(a, batch: batch, parameters: slice(p, 2))
        v.forward(a, batch: batch, parameters: slice(p, 3))
        attention.forward(q: q.output, k: k.output, v: v.output, batch: batch)
        o.forward(attention.context.pointer, batch: batch, parameters: slice(p, 4))
        for i in 0..<size { residual.pointer[i] = x[i] + o.output[i] }
        lnB.forward(residual.pointer, batch: batch, parameters: slice(p, 5))
        mlp1.forward(lnB.output, batch: batch, parameters: slice(p, 6))
        mlp2.forward(mlp1.output, batch: batch, parameters: slice(p, 7))
        for i in 0..<size { out.pointer[i] = residual.pointer[i] + mlp2.output[i] }
    }

    func backward(_ x: UnsafePointer<Float>, outputGradient dy: UnsafeMutablePointer<Float>, batch: Int,
                  parameters p: UnsafePointer<Float>, gradients g: UnsafeMutablePointer<Float>, needsInputGradient: Bool) {
        let size = batch * tokens * width
        func grads(_ index: Int) -> UnsafeMutablePointer<Float> { g + partOffsets[index] }
        dResidual.pointer.update(from: dy, count: size)
        mlp2.backward(mlp1.output, outputGradient: dy, batch: batch, parameters: slice(p, 7), gradients: grads(7), needsInputGradient: true)
        mlp1.backward(lnB.output, outputGradient: mlp2.inputGradient, batch: batch, parameters: slice(p, 6), gradients: grads(6), needsInputGradient: true)
        lnB.backward(residual.pointer, outputGradient: mlp1.inputGradient, batch: batch, parameters: slice(p, 5), gradients: grads(5), needsInputGradient: true)
        for i in 0..<size { dResidual.pointer[i] += lnB.inputGradient[i] }
        o.backward(attention.context.pointer, outputGradient: dResidual.pointer, batch: batch, parameters: slice(p, 4), gradients: grads(4), needsInputGradient: true)
        attention.backward(q: q.output, k: k.output, v: v.output, dctx: o.inputGradient, batch: batch)
        let a = UnsafePointer(lnA.output)
        q.backward(a, outputGradient: attention.dq.pointer, batch: batch, parameters: slice(p, 1), gradients: grads(1), needsInputGradient: true)
        k.backward(a, outputGradient: attention.dk.pointer, batch: batch, parameters: slice(p, 2), gradients: grads(2), needsInputGradient: true)
        v.backward(a, outputGradient: attention.dv.pointer, batch: batch, parameters: slice(p, 3), gradients: grads(3), needsInputGradient: true)
        let da = lnA.inputGradient
        // Gather dA in this block's dx buffer; lnA writes its own, then dx becomes the total.
        for i in 0..<size { dx.pointer[i] = q.inputGradient[i] + k.inputGradient[i] + v.inputGradient[i] }
        lnA.backward(x, outputGradient: dx.pointer, batch: batch, parameters: slice(p, 0), gradients: grads(0), needsInputGradient: true)
        for i in 0..<size { dx.pointer[i] = dResidual.pointer[i] + da[i] }
    }

    /// Keras-like defaults: Glorot weights, zero biases, unit LayerNorm gains.
    func initialize(_ parameters: UnsafeMutablePointer<Float>, random: inout SeededRandom) {
        for (part, offset) in zip(parts, partOffsets) { part.initialize(parameters + offset, random: &random) }
    }

    func export(_ parameters: UnsafePointer<Float>) -> [String: Tensor] {
        var tensors: [String: Tensor] = [:]
        for (part, offset) in zip(parts, partOffsets) { tensors.merge(part.export(parameters + offset)) { a, _ in a } }
        return tensors
    }

    func load(_ tensors: [String: Tensor], into parameters: UnsafeMutablePointer<Float>) throws(TrainingError) {
        for (part, offset) in zip(parts, partOffsets) { try part.load(tensors, into: parameters + offset) }
    }
}
