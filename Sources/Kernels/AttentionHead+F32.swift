/// One attention head over `tokens` rows: `probabilities = softmax(scale · q kᵀ)` (`[tokens][tokens]`,
/// row-major) and `context = probabilities · v` (`tokens` rows of `headWidth`, row stride `contextStride`).
/// `q`, `k`, `v` are `tokens` rows of `headWidth` floats with row stride `stride` (a head's columns of
/// the `[T, D]` projections). Small heads (d = 16) waste most of a 6x16 GEMM tile and its packing, so
/// this kernel works on rows of 4 queries directly: kᵀ is laid out once per call in `scratch`
/// (`attentionHeadF32ScratchSize` floats), zero-padded to a multiple of 8 tokens.
public func attentionHeadF32(tokens: Int, headWidth: Int, q: UnsafePointer<Float>, k: UnsafePointer<Float>,
                             v: UnsafePointer<Float>, stride: Int, scale: Float,
                             probabilities: UnsafeMutablePointer<Float>,
                             context: UnsafeMutablePointer<Float>, contextStride: Int,
                             scratch: UnsafeMutablePointer<Float>) {
    let padded = (tokens + 7) & ~7
    for d in 0..<headWidth {
        let row = scratch + d * padded
        for j in 0..<tokens { row[j] = k[j * stride + d] }
        for j in tokens..<padded { row[j] = 0 }
    }
    attentionScoresF32(tokens: tokens, headWidth: headWidth, q: q, stride: stride, keysT: scratch,
                       padded: padded, scores: probabilities)
    softmaxF32(rows: tokens, columns: tokens, x: probabilities, stride: tokens, scale: scale)
    attentionContextF32(tokens: tokens, headWidth: headWidth, probabilities: probabilities, v: v, stride: stride,
                        context: context, contextStride: contextStride)
}

/// Floats of `scratch` that `attentionHeadF32` needs.
public func attentionHeadF32ScratchSize(tokens: Int, headWidth: Int) -> Int { headWidth * ((tokens + 7) & ~7) }

/// `scores[i][j] = q_i · k_j` for 4 query rows at a time (a tail group repeats its last row, stores only real rows).
@inline(__always)
private func attentionScoresF32(tokens: Int, headWidth: Int, q: UnsafePointer<Float>, stride: Int,
                                keysT: UnsafePointer<Float>, padded: Int, scores: UnsafeMutablePointer<Float>) {
    var i = 0
    while i < tokens {
        let rows = min(4, tokens - i)
        let q0 = q + i * stride, q1 = q + min(i + 1, tokens - 1) * stride
        let q2 = q + min(i + 2, tokens - 1) * stride, q3 = q + min(i + 3, tokens - 1) * stride
        var j = 0
        while j < tokens {
            var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
            var kp = keysT + j
            for d in 0..<headWidth {
                let kv = loadF32x8(kp)
                a0.addProduct(SIMD8(repeating: q0[d]), kv); a1.addProduct(SIMD8(repeating: q1[d]), kv)
                a2.addProduct(SIMD8(repeating: q2[d]), kv); a3.addProduct(SIMD8(repeating: q3[d]), kv)
                kp += padded
            }
            let count = tokens - j, out = scores + i * tokens + j
            storeF32x8(a0, out, count: count)
            if rows > 1 { storeF32x8(a1, out + tokens, count: count) }
            if rows > 2 { storeF32x8(a2, out + 2 * tokens, count: count) }
            if rows > 3 { storeF32x8(a3, out + 3 * tokens, count: count) }
            j += 8
        }
        i += 4
    }
}

/// `context_i = Σ_j p[i][j] v_j`, 8 columns × 4 rows of accumulators at a time.
@inline(__always)
private func attentionContextF32(tokens: Int, headWidth: Int, probabilities p: UnsafePointer<Float>,
                                v: UnsafePointer<Float>, stride: Int,
                                context: UnsafeMutablePointer<Float>, contextStride: Int) {
    var i = 0
    while i < tokens {
        let rows = min(4, tokens - i)
        let p0 = p + i * tokens, p1 = p + min(i + 1, tokens - 1) * tokens
        let p2 = p + min(i + 2, tokens - 1) * tokens, p3 = p + min(i + 3, tokens - 1) * tokens
        var c = 0
        while c < headWidth {
            let width = headWidth - c
            var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
            var vp = v + c
            for j in 0..<tokens {
                let vv = loadF32x8(vp, count: width)
                a0.addProduct(SIMD8(repeating: p0[j]), vv); a1.addProduct(SIMD8(repeating: p1[j]), vv)
                a2.addProduct(SIMD8(repeating: p2[j]), vv); a3.addProduct(SIMD8(repeating: p3[j]), vv)
                vp += stride
            }
            let out = context + i * contextStride + c
            storeF32x8(a0, out, count: width)
            if rows > 1 { storeF32x8(a1, out + contextStride, count: width) }
            if rows > 2 { storeF32x8(a2, out + 2 * contextStride, count: width) }
            if rows > 3 { storeF32x8(a3, out + 3 * contextStride, count: width) }
            c += 8
        }
        i += 4
    }
}

/// Scalar reference for `attentionHeadF32` (same layouts, no scratch).
public func attentionHeadF32Reference(tokens: Int, headWidth: Int, q: UnsafePointer<Float>, k: UnsafePointer<Float>,
                                      v: UnsafePointer<Float>, stride: Int, scale: Float,
                                      probabilities: UnsafeMutablePointer<Float>,
                                      context: UnsafeMutablePointer<Float>, contextStride: Int) {
    for i in 0..<tokens {
        for j in 0..<tokens {
            var dot: Float = 0
            for d in 0..<headWidth { dot += q[i * stride + d] * k[j * stride + d] }
            probabilities[i * tokens + j] = dot
        }
    }
    softmaxF32Reference(rows: tokens, columns: tokens, x: probabilities, stride: tokens, scale: scale)
    for i in 0..<tokens {
        for c in 0..<headWidth {
            var sum: Float = 0
            for j in 0..<tokens { sum += probabilities[i * tokens + j] * v[j * stride + c] }
            context[i * contextStride + c] = sum
        }
    }
}
