import Kernels
import Testing

/// The direct attention-head kernel against its scalar reference, on token counts that are not
/// multiples of the 6-row or 16-column tiles (17, 18, 33, 49 leave one or two keys past the last
/// whole panel, scored by dot products) and on head widths below, at and above one vector (16 and
/// 32 read v in place, the others through the padded copy).
@Suite struct AttentionHeadF32Tests {
    @Test(arguments: [1, 3, 7, 17, 18, 33, 49], [1, 3, 8, 16, 17, 32])
    func matchesReference(tokens: Int, headWidth: Int) throws {
        var data = TestData(seed: UInt64(tokens * 100 + headWidth))
        let stride = headWidth + 5, contextStride = headWidth + 3
        let q = data.floats(tokens * stride, in: -2, 2), k = data.floats(tokens * stride, in: -2, 2)
        let v = data.floats(tokens * stride, in: -2, 2)
        let scale = 1 / Float(headWidth).squareRoot()
        var probs = [Float](repeating: .nan, count: tokens * tokens), expectedProbs = probs
        let sentinel: Float = 7
        var context = [Float](repeating: sentinel, count: tokens * contextStride), expectedContext = context
        var scratch = [Float](repeating: 0, count: attentionHeadF32ScratchSize(tokens: tokens, headWidth: headWidth))
        attentionHeadF32(tokens: tokens, headWidth: headWidth, q: q, k: k, v: v, stride: stride, scale: scale,
                         probabilities: &probs, context: &context, contextStride: contextStride, scratch: &scratch)
        attentionHeadF32Reference(tokens: tokens, headWidth: headWidth, q: q, k: k, v: v, stride: stride,
                                  scale: scale, probabilities: &expectedProbs, context: &expectedContext,
                                  contextStride: contextStride)
        #expect(maxAbsDifference(probs, expectedProbs) <= 1e-6)
        #expect(maxAbsDifference(context, expectedContext) <= 1e-5)
        // Columns between rows (the stride padding) are never written.
        for i in 0..<tokens {
            for c in headWidth..<contextStride { #expect(context[i * contextStride + c] == sentinel) }
        }
    }

    /// The encoder block's path: scores transposed (k and q trade places, a row per key, rows
    /// padded to whole vectors), each column's softmax numerators, then the context from Pᵀ with
    /// its rows scaled, against the reference; and the bits of the row-major context path given
    /// the same numerators, scaled by the same sums.
    @Test(arguments: [1, 3, 7, 8, 13, 17, 18, 28, 33, 49], [1, 16, 17])
    func transposedPathMatchesReference(tokens: Int, headWidth: Int) throws {
        var data = TestData(seed: UInt64(tokens * 100 + headWidth) + 11)
        let stride = headWidth + 5, contextStride = headWidth + 3, ld = (tokens + 7) / 8 * 8
        let q = data.floats(tokens * stride, in: -2, 2), k = data.floats(tokens * stride, in: -2, 2)
        let v = data.floats(tokens * stride, in: -2, 2)
        let scale = 1 / Float(headWidth).squareRoot()
        var scoresT = [Float](repeating: 0, count: tokens * ld), expectedProbs = [Float](repeating: .nan, count: tokens * tokens)
        var inverseSums = [Float](repeating: .nan, count: tokens)
        var context = [Float](repeating: 7, count: tokens * contextStride), expectedContext = context
        var scratch = [Float](repeating: 0, count: attentionHeadF32ScratchSize(tokens: tokens, headWidth: headWidth))
        attentionScoresF32(tokens: tokens, headWidth: headWidth, q: k, k: q, stride: stride, scores: &scoresT,
                           scoresStride: ld, scratch: &scratch)
        softmaxColumnsNumeratorsF32(rows: tokens, columns: tokens, x: &scoresT, ldx: ld, scale: scale,
                                    inverseSums: &inverseSums)
        attentionContextTransposedF32(tokens: tokens, headWidth: headWidth, probabilitiesT: scoresT, ld: ld, v: v,
                                      stride: stride, context: &context, contextStride: contextStride,
                                      rowScales: inverseSums, scratch: &scratch)
        attentionHeadF32Reference(tokens: tokens, headWidth: headWidth, q: q, k: k, v: v, stride: stride,
                                  scale: scale, probabilities: &expectedProbs, context: &expectedContext,
                                  contextStride: contextStride)
        #expect(maxAbsDifference(context, expectedContext) <= 1e-5)
        var probabilities = [Float](repeating: 0, count: tokens * tokens)
        for i in 0..<tokens { for j in 0..<tokens { probabilities[i * tokens + j] = scoresT[j * ld + i] * inverseSums[i] } }
        #expect(maxAbsDifference(probabilities, expectedProbs) <= 1e-6)
        // Pᵀ's columns read in place give the row-major path's sums, bit for bit, then each row's scaling.
        var numerators = [Float](repeating: 0, count: tokens * tokens)
        for i in 0..<tokens { for j in 0..<tokens { numerators[i * tokens + j] = scoresT[j * ld + i] } }
        var rowMajor = [Float](repeating: 7, count: tokens * contextStride)
        attentionContextF32(tokens: tokens, headWidth: headWidth, probabilities: numerators, v: v, stride: stride,
                            context: &rowMajor, contextStride: contextStride, scratch: &scratch)
        for i in 0..<tokens { for c in 0..<headWidth { rowMajor[i * contextStride + c] *= inverseSums[i] } }
        #expect(context == rowMajor)
    }
}
