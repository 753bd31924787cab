import Kernels

/// Pre-norm transformer encoder block over `[T, D]`:
/// `x = x + Wo·MHA(LN_a(x))`, then `x = x + mlp2(GELU(mlp1(LN_b(x))))`. Per head j (columns
/// j·d…j·d+d−1 of q, k, v): `softmax(q_j k_jᵀ / √d) v_j`, heads concatenated before Wo.
final class EncoderBlockStep: Step {
    let point: ActivationPoint?
    let internalPoints: [ActivationPoint]
    let outputCount: Int
    private let tokens: Int, width: Int, heads: Int, headWidth: Int, mlpHidden: Int
    private let eps: Float
    private let gammaA: FloatBuffer, betaA: FloatBuffer, gammaB: FloatBuffer, betaB: FloatBuffer
    private let wq: PackedWeights, wk: PackedWeights, wv: PackedWeights, wo: PackedWeights
    private let mlp1: PackedWeights, mlp2: PackedWeights
    private let normA: FloatBuffer, q: FloatBuffer, k: FloatBuffer, v: FloatBuffer, probs: FloatBuffer
    private let context: FloatBuffer, attention: FloatBuffer, residual: FloatBuffer, normB: FloatBuffer
    private let hiddenValues: FloatBuffer, mlpOut: FloatBuffer
    private let packA: FloatBuffer, headScratch: FloatBuffer, packedNorm: FloatBuffer
    /// The buffers behind `internalPoints`, in the same order.
    private let internalValues: [FloatBuffer]

    init(point: ActivationPoint, layer: EncoderBlock, tokens: Int, width: Int,
         packer: WeightPacker, capacity: Int) throws(EngineError) {
        self.point = point
        self.tokens = tokens; self.width = width; heads = layer.heads
        headWidth = width / layer.heads; mlpHidden = layer.mlpHidden; eps = layer.eps
        outputCount = tokens * width
        let n = layer.name
        func p(_ part: String, _ shape: [Int]) -> ActivationPoint { ActivationPoint(name: "\(n).\(part)", shape: shape) }
        internalPoints = [p("ln_a", [tokens, width]), p("q", [tokens, width]), p("k", [tokens, width]),
                          p("v", [tokens, width]), p("attn_probs", [heads, tokens, tokens]),
                          p("ctx", [tokens, width]), p("attn_out", [tokens, width]), p("res_a", [tokens, width]),
                          p("ln_b", [tokens, width]), p("mlp_hidden", [tokens, mlpHidden]),
                          p("mlp_out", [tokens, width])]
        gammaA = try packer.vector("\(n).ln_a.gamma", count: width)
        betaA = try packer.vector("\(n).ln_a.beta", count: width)
        gammaB = try packer.vector("\(n).ln_b.gamma", count: width)
        betaB = try packer.vector("\(n).ln_b.beta", count: width)
        wq = try packer.dense("\(n).q", inputs: width, outputs: width)
        wk = try packer.dense("\(n).k", inputs: width, outputs: width)
        wv = try packer.dense("\(n).v", inputs: width, outputs: width)
        wo = try packer.dense("\(n).o", inputs: width, outputs: width)
        mlp1 = try packer.dense("\(n).mlp1", inputs: width, outputs: mlpHidden)
        mlp2 = try packer.dense("\(n).mlp2", inputs: mlpHidden, outputs: width)
        let rows = capacity * tokens
        func buffer(_ columns: Int) -> FloatBuffer { FloatBuffer(count: rows * columns) }
        normA = buffer(width); q = buffer(width); k = buffer(width); v = buffer(width)
        probs = FloatBuffer(count: capacity * heads * tokens * tokens)
        context = buffer(width); attention = buffer(width); residual = buffer(width); normB = buffer(width)
        hiddenValues = buffer(mlpHidden); mlpOut = buffer(width)
        packA = FloatBuffer(count: gemmF32PackedASize(m: rows, k: max(width, mlpHidden)))
        packedNorm = FloatBuffer(count: gemmF32PackedASize(m: rows, k: width))
        headScratch = FloatBuffer(count: attentionHeadF32ScratchSize(tokens: tokens, headWidth: headWidth))
        internalValues = [normA, q, k, v, probs, context, attention, residual, normB, hiddenValues, mlpOut]
    }

    func run(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, batch: Int, observe: ActivationObserver) {
        let rows = batch * tokens, ws = packA.pointer
        layerNormF32(rows: rows, columns: width, x: x, y: normA.pointer, gamma: gammaA.pointer, beta: betaA.pointer, eps: eps)
        // q, k and v read the same normalized rows: pack them once into packedNorm.
        packAF32(m: rows, k: width, a: normA.pointer, rowStride: width, columnStride: 1, into: packedNorm.pointer)
        wq.apply(rows: rows, x: normA.pointer, packedX: packedNorm.pointer, y: q.pointer, workspace: ws)
        wk.apply(rows: rows, x: normA.pointer, packedX: packedNorm.pointer, y: k.pointer, workspace: ws)
        wv.apply(rows: rows, x: normA.pointer, packedX: packedNorm.pointer, y: v.pointer, workspace: ws)
        let scale = 1 / Float(headWidth).squareRoot()
        for b in 0..<batch {
            let sample = b * tokens * width
            for h in 0..<heads {
                let scores = probs.pointer + (b * heads + h) * tokens * tokens
                let column = sample + h * headWidth
                attentionHeadF32(tokens: tokens, headWidth: headWidth, q: q.pointer + column, k: k.pointer + column,
                                 v: v.pointer + column, stride: width, scale: scale, probabilities: scores,
                                 context: context.pointer + column, contextStride: width, scratch: headScratch.pointer)
            }
        }
        wo.apply(rows: rows, x: context.pointer, y: attention.pointer, workspace: ws)
        addF32(count: rows * width, a: x, b: attention.pointer, y: residual.pointer)
        layerNormF32(rows: rows, columns: width, x: residual.pointer, y: normB.pointer,
                     gamma: gammaB.pointer, beta: betaB.pointer, eps: eps)
        mlp1.apply(rows: rows, x: normB.pointer, y: hiddenValues.pointer, activation: .gelu, workspace: ws)
        mlp2.apply(rows: rows, x: hiddenValues.pointer, y: mlpOut.pointer, workspace: ws)
        addF32(count: rows * width, a: residual.pointer, b: mlpOut.pointer, y: y)
        for (point, values) in zip(internalPoints, internalValues) { report(observe, point, values.pointer, batch: batch) }
    }
}
