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
    /// q, k and v stacked into one `[3D, D]` matrix, so the normalized rows are read (and, for
    /// int8, quantized) once; three matrices when int8 calibration gave them different input
    /// quantizations. Either way they write `qkv`, rows of `[q | k | v]`.
    private let projections: [PackedWeights]
    private let wo: PackedWeights, mlp1: PackedWeights, mlp2: PackedWeights
    private let normA: FloatBuffer, qkv: FloatBuffer, probs: FloatBuffer
    /// q, k and v as separate `[T, D]` values, filled only when observing.
    private let q: FloatBuffer, k: FloatBuffer, v: FloatBuffer
    private let context: FloatBuffer, attention: FloatBuffer, residual: FloatBuffer, normB: FloatBuffer
    private let hiddenValues: FloatBuffer, mlpOut: FloatBuffer
    private let headScratch: FloatBuffer
    /// One sample's softmax inverse sums, a row per head and query.
    private let inverseSums: FloatBuffer
    /// One sample's attention scores (then softmax numerators), transposed: a row per key, a column
    /// per head and query, rows `transposedStride` (heads × tokens rounded up to 8) apart, so the
    /// column softmax reads whole vectors.
    private let transposedScores: FloatBuffer, transposedStride: Int
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
        let parts = ["\(n).q", "\(n).k", "\(n).v"]
        if let stacked = try packer.stacked(parts, inputs: width, outputs: width, rowsPerSample: tokens) {
            projections = [stacked]
        } else {
            projections = try parts.map { (part) throws(EngineError) in try packer.dense(part, inputs: width, outputs: width, rowsPerSample: tokens) }
        }
        wo = try packer.dense("\(n).o", inputs: width, outputs: width, rowsPerSample: tokens)
        mlp1 = try packer.dense("\(n).mlp1", inputs: width, outputs: mlpHidden, rowsPerSample: tokens)
        mlp2 = try packer.dense("\(n).mlp2", inputs: mlpHidden, outputs: width, rowsPerSample: tokens)
        let rows = capacity * tokens
        func buffer(_ columns: Int) -> FloatBuffer { FloatBuffer(count: rows * columns) }
        normA = buffer(width); qkv = buffer(3 * width); q = buffer(width); k = buffer(width); v = buffer(width)
        probs = FloatBuffer(count: capacity * heads * tokens * tokens)
        context = buffer(width); attention = buffer(width); residual = buffer(width); normB = buffer(width)
        hiddenValues = buffer(mlpHidden); mlpOut = buffer(width)
        headScratch = FloatBuffer(count: attentionHeadF32ScratchSize(tokens: tokens, headWidth: headWidth))
        inverseSums = FloatBuffer(count: heads * tokens)
        transposedStride = (heads * tokens + 7) & ~7
        transposedScores = FloatBuffer(count: tokens * transposedStride)
        internalValues = [normA, q, k, v, probs, context, attention, residual, normB, hiddenValues, mlpOut]
    }

    func run(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, batch: Int, observe: ActivationObserver) {
        run(x, y, batch: batch, observe: observe, observing: true)
    }

    func run(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, batch: Int, observe: ActivationObserver,
             observing: Bool) {
        let rows = batch * tokens, qkvWidth = 3 * width
        layerNormF32(rows: rows, columns: width, x: x, y: normA.pointer, gamma: gammaA.pointer, beta: betaA.pointer, eps: eps)
        for (index, matrix) in projections.enumerated() {
            matrix.apply(rows: rows, x: normA.pointer, y: qkv.pointer + index * width, ldy: qkvWidth)
        }
        let scale = 1 / Float(headWidth).squareRoot()
        for b in 0..<batch {
            // Every head's scores transposed into one matrix: a row per key, a column per head and
            // query (k and q trade places), so one column softmax takes eight queries per vector
            // with no horizontal reductions, and the heads' ragged ends share vectors (4·49 = 196
            // columns are 25 vectors, not 4·7). Then each head's context from its columns of Pᵀ,
            // the rows divided by the softmax sums (a pass over 49×16 instead of 49×49 values).
            let sample = b * tokens, scoresT = transposedScores.pointer
            for h in 0..<heads {
                let column = qkv.pointer + sample * qkvWidth + h * headWidth
                attentionScoresF32(tokens: tokens, headWidth: headWidth, q: column + width, k: column, stride: qkvWidth,
                                   scores: scoresT + h * tokens, scoresStride: transposedStride,
                                   scratch: headScratch.pointer)
            }
            softmaxColumnsNumeratorsF32(rows: tokens, columns: heads * tokens, x: scoresT, ldx: transposedStride,
                                        scale: scale, inverseSums: inverseSums.pointer)
            for h in 0..<heads {
                let column = qkv.pointer + sample * qkvWidth + h * headWidth
                attentionContextTransposedF32(tokens: tokens, headWidth: headWidth, probabilitiesT: scoresT + h * tokens,
                                              ld: transposedStride, v: column + 2 * width, stride: qkvWidth,
                                              context: context.pointer + sample * width + h * headWidth,
                                              contextStride: width, rowScales: inverseSums.pointer + h * tokens,
                                              scratch: headScratch.pointer)
            }
            if observing {
                let sampleProbabilities = probs.pointer + b * heads * tokens * tokens
                for q in 0..<heads * tokens {
                    let factor = inverseSums.pointer[q], row = sampleProbabilities + q * tokens
                    for j in 0..<tokens { row[j] = scoresT[j * transposedStride + q] * factor }
                }
            }
        }
        // FP32 adds the residuals in the output projections' epilogues (same sums, so the same bits)
        // unless attn_out and mlp_out must be observed on their own.
        let fused = !observing && wo.quantized == nil && mlp2.quantized == nil
        if fused {
            wo.apply(rows: rows, x: context.pointer, y: residual.pointer, addend: x)
        } else {
            wo.apply(rows: rows, x: context.pointer, y: attention.pointer)
            addF32(count: rows * width, a: x, b: attention.pointer, y: residual.pointer)
        }
        layerNormF32(rows: rows, columns: width, x: residual.pointer, y: normB.pointer,
                     gamma: gammaB.pointer, beta: betaB.pointer, eps: eps)
        if mlp1.quantized == nil {
            // One pass over the whole hidden buffer instead of one per GEMM tile: the GELU's long
            // dependency chains (a division) overlap across the buffer. Same values, same bits.
            mlp1.apply(rows: rows, x: normB.pointer, y: hiddenValues.pointer)
            ActivationF32.gelu.apply(rows: 1, columns: rows * mlpHidden, x: hiddenValues.pointer, stride: 0)
        } else {
            mlp1.apply(rows: rows, x: normB.pointer, y: hiddenValues.pointer, activation: .gelu)
        }
        if fused {
            mlp2.apply(rows: rows, x: hiddenValues.pointer, y: y, addend: residual.pointer)
        } else {
            mlp2.apply(rows: rows, x: hiddenValues.pointer, y: mlpOut.pointer)
            addF32(count: rows * width, a: residual.pointer, b: mlpOut.pointer, y: y)
        }
        guard observing else { return }
        for (part, values) in [q, k, v].enumerated() {
            for r in 0..<rows { (values.pointer + r * width).update(from: qkv.pointer + r * qkvWidth + part * width, count: width) }
        }
        for (point, values) in zip(internalPoints, internalValues) { report(observe, point, values.pointer, batch: batch) }
    }
}
