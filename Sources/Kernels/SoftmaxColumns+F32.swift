/// The softmax numerators of each COLUMN of `x` (`rows × columns`, rows `ldx` apart) and their
/// inverse sums: `x[j][i] = e^(scale·(x[j][i] − max_j x[j][i]))` in place and
/// `inverseSums[i] = 1 / Σ_j x[j][i]`. For attention scores stored transposed (a row per key, a
/// column per query): eight queries are one vector, so their maxima, exponentials and sums are
/// lane-wise, with no horizontal reductions or ragged row ends per query. `ldx` must be at least
/// `columns` rounded up to 8: the lanes past `columns` in the last group are computed and stored
/// (the padding of each row), never counted.
public func softmaxColumnsNumeratorsF32(rows: Int, columns: Int, x: UnsafeMutablePointer<Float>, ldx: Int,
                                        scale: Float, inverseSums: UnsafeMutablePointer<Float>) {
    guard rows > 0 else { return }
    let scaleV = SIMD8<Float>(repeating: scale * 1.442_695_04)
    var i = 0
    while i < columns {
        let inverse = softmaxColumnsGroupF32(rows: rows, x: x + i, ldx: ldx, scale: scaleV)
        if columns - i >= 8 {
            storeF32x8(inverse, inverseSums + i)
        } else {
            storeF32x8(inverse, inverseSums + i, count: columns - i)
        }
        i += 8
    }
}

/// Eight columns of `softmaxColumnsNumeratorsF32`; returns their inverse sums. Two accumulators
/// each for the maxima and sums (even and odd rows) halve the add chains.
@inline(never)
private func softmaxColumnsGroupF32(rows: Int, x: UnsafeMutablePointer<Float>, ldx: Int,
                                    scale: SIMD8<Float>) -> SIMD8<Float> {
    var maxEven = loadF32x8(x), maxOdd = maxEven
    var p = x + ldx, j = 1
    while j + 2 <= rows {
        maxEven = maxF32x8(maxEven, loadF32x8(p))
        maxOdd = maxF32x8(maxOdd, loadF32x8(p + ldx))
        p += 2 * ldx
        j &+= 2
    }
    if j < rows { maxEven = maxF32x8(maxEven, loadF32x8(p)) }
    // The difference before the scale, as in `softmaxF32`: the power is then never above 0.
    let maxV = maxF32x8(maxEven, maxOdd)
    var sumEven = SIMD8<Float>(), sumOdd = SIMD8<Float>()
    p = x
    j = 0
    while j + 2 <= rows {
        let e0 = exp2AtMost127F32x8((loadF32x8(p) - maxV) * scale)
        let e1 = exp2AtMost127F32x8((loadF32x8(p + ldx) - maxV) * scale)
        storeF32x8(e0, p)
        storeF32x8(e1, p + ldx)
        sumEven += e0
        sumOdd += e1
        p += 2 * ldx
        j &+= 2
    }
    if j < rows {
        let e = exp2AtMost127F32x8((loadF32x8(p) - maxV) * scale)
        storeF32x8(e, p)
        sumEven += e
    }
    return 1 / (sumEven + sumOdd)
}

