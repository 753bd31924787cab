/// One attention head over `tokens` rows: `probabilities = softmax(scale · q kᵀ)` (`[tokens][tokens]`,
/// row-major) and `context = probabilities · v` (`tokens` rows of `headWidth`, row stride `contextStride`).
/// `q`, `k`, `v` are `tokens` rows of `headWidth` floats with row stride `stride` (a head's columns of
/// the `[T, D]` projections). Small heads (d = 16) waste a packed GEMM's per-call packing, so this
/// kernel runs 6x16 tiles straight from q and the probabilities; kᵀ is copied, once per call, into
/// `scratch` (`attentionHeadF32ScratchSize` floats), zero-padded to 16 columns, and so is v unless
/// `headWidth` is a multiple of 16 (then its rows are read in place).
public func attentionHeadF32(tokens: Int, headWidth: Int, q: UnsafePointer<Float>, k: UnsafePointer<Float>,
                             v: UnsafePointer<Float>, stride: Int, scale: Float,
                             probabilities: UnsafeMutablePointer<Float>,
                             context: UnsafeMutablePointer<Float>, contextStride: Int,
                             scratch: UnsafeMutablePointer<Float>) {
    attentionScoresF32(tokens: tokens, headWidth: headWidth, q: q, k: k, stride: stride, scores: probabilities,
                       scratch: scratch)
    softmaxF32(rows: tokens, columns: tokens, x: probabilities, stride: tokens, scale: scale)
    attentionContextF32(tokens: tokens, headWidth: headWidth, probabilities: probabilities, v: v, stride: stride,
                        context: context, contextStride: contextStride, scratch: scratch)
}

/// The first part of `attentionHeadF32`: `scores = q kᵀ` (`tokens` rows of `tokens`, unscaled,
/// rows `scoresStride` apart, `tokens` when nil), so a caller can run one softmax over several
/// heads' scores before `attentionContextF32`. Same layouts and scratch as `attentionHeadF32`.
/// Passing k as `q` and q as `k` gives the scores transposed (a row per key).
public func attentionScoresF32(tokens: Int, headWidth: Int, q: UnsafePointer<Float>, k: UnsafePointer<Float>,
                               stride: Int, scores: UnsafeMutablePointer<Float>, scoresStride: Int? = nil,
                               scratch: UnsafeMutablePointer<Float>) {
    let ldScores = scoresStride ?? tokens
    let keyColumns = roundUp16(tokens)
    let keysT = scratch
    // kᵀ in 8×8 blocks (eight keys' eight values loaded, transposed in registers, stored as eight
    // rows of kᵀ), then the keys past the last whole block a key at a time: eight of its values
    // per vector load, each stored to its own row.
    let wholeVectors = headWidth & ~7, wholeKeys = tokens & ~7
    for j in Swift.stride(from: 0, to: wholeKeys, by: 8) {
        for d in Swift.stride(from: 0, to: wholeVectors, by: 8) {
            transposeStoreF32x8x8(k + j * stride + d, stride, keysT + d * keyColumns + j, keyColumns)
        }
        for jj in j..<(j + 8) {
            for d in wholeVectors..<headWidth { keysT[d * keyColumns + jj] = k[jj * stride + d] }
        }
    }
    for j in wholeKeys..<tokens {
        let key = k + j * stride, column = keysT + j
        var d = 0
        while d < wholeVectors {
            let values = loadF32x8(key + d), out = column + d * keyColumns
            for lane in 0..<8 { out[lane * keyColumns] = values[lane] }
            d &+= 8
        }
        while d < headWidth { column[d * keyColumns] = key[d]; d &+= 1 }
    }
    // A last key panel with one or two valid columns (49 = 3·16 + 1) would cost a whole 6×16 tile
    // per six queries: those keys' scores are dot products of each query with the key instead.
    let ragged = tokens % 16 <= 2 ? tokens % 16 : 0
    // The tiles read the padding past the last key only when they cover a partial panel.
    if (tokens - ragged) % 16 != 0 {
        for d in 0..<headWidth { (keysT + d * keyColumns + tokens).update(repeating: 0, count: keyColumns - tokens) }
    }
    gemmF32RowTiles(m: tokens, n: tokens - ragged, k: headWidth, a: q, lda: stride, b: keysT, ldb: keyColumns,
                    panelStride: 16, c: scores, ldc: ldScores, accumulate: false, epilogue: .identity)
    for j in tokens - ragged ..< tokens {
        queryKeyDotsF32(tokens: tokens, headWidth: headWidth, q: q, stride: stride, key: k + j * stride,
                        scores: scores + j, scoresStride: ldScores)
    }
}

/// The last part of `attentionHeadF32`: `context = probabilities · v`.
public func attentionContextF32(tokens: Int, headWidth: Int, probabilities: UnsafePointer<Float>,
                                v: UnsafePointer<Float>, stride: Int, context: UnsafeMutablePointer<Float>,
                                contextStride: Int, scratch: UnsafeMutablePointer<Float>) {
    let (values, valueStride) = attentionValuesF32(tokens: tokens, headWidth: headWidth, v: v, stride: stride,
                                                   scratch: scratch)
    gemmF32RowTiles(m: tokens, n: headWidth, k: tokens, a: probabilities, lda: tokens, b: values, ldb: valueStride,
                    panelStride: 16, c: context, ldc: contextStride, accumulate: false, epilogue: .identity)
}

/// `attentionContextF32` for unnormalized probabilities stored transposed, a row per key
/// (`probabilitiesT[j·ld + i]` is P[i][j]), as `softmaxColumnsNumeratorsF32` leaves them:
/// `context[i] = rowScales[i] · Σ_j P[i][j] · v_j`, each element one FMA chain over j in order.
/// The tiles broadcast six (or five) queries' values from one row of Pᵀ per step.
public func attentionContextTransposedF32(tokens: Int, headWidth: Int, probabilitiesT: UnsafePointer<Float>, ld: Int,
                                          v: UnsafePointer<Float>, stride: Int, context: UnsafeMutablePointer<Float>,
                                          contextStride: Int, rowScales: UnsafePointer<Float>,
                                          scratch: UnsafeMutablePointer<Float>) {
    let (values, valueStride) = attentionValuesF32(tokens: tokens, headWidth: headWidth, v: v, stride: stride,
                                                   scratch: scratch)
    // Six-row tiles, then five-row ones (the last may be partial: Pᵀ's rows are read in place,
    // so there is no one-row kernel for a ragged end).
    let sixes = GEMMF32RowTiling(m: tokens).sixes
    var j = 0
    while j < headWidth {
        let columns = min(16, headWidth - j)
        var i = 0
        while i < 6 * sixes {
            attentionContextTileF32(AccumulatorsF32_6x16.self, k: tokens, a: probabilitiesT + i, lda: ld,
                                    b: values + j, ldb: valueStride, c: context + i * contextStride + j,
                                    ldc: contextStride, rows: 6, columns: columns, rowScales: rowScales + i)
            i += 6
        }
        while i < tokens {
            attentionContextTileF32(AccumulatorsF32_5x16.self, k: tokens, a: probabilitiesT + i, lda: ld,
                                    b: values + j, ldb: valueStride, c: context + i * contextStride + j,
                                    ldc: contextStride, rows: min(5, tokens - i), columns: columns,
                                    rowScales: rowScales + i)
            i += 5
        }
        j += 16
    }
}

/// v as the P·V tiles read it, 16 floats per row: in place when the head's columns are whole
/// vectors, else copied into `scratch` (past kᵀ) padded to 16. Returns the rows and their stride.
private func attentionValuesF32(tokens: Int, headWidth: Int, v: UnsafePointer<Float>, stride: Int,
                                scratch: UnsafeMutablePointer<Float>) -> (UnsafePointer<Float>, Int) {
    guard headWidth % 16 != 0 else { return (v, stride) }
    let valueColumns = roundUp16(headWidth), copy = scratch + headWidth * roundUp16(tokens)
    for j in 0..<tokens {
        let row = copy + j * valueColumns
        for c in 0..<headWidth { row[c] = v[j * stride + c] }
        for c in headWidth..<valueColumns { row[c] = 0 }
    }
    return (UnsafePointer(copy), valueColumns)
}

/// One 6×16 or 5×16 tile of `probabilities · v` with A's columns read in place (Pᵀ's rows), row r
/// of it multiplied by `rowScales[r]` as it is stored.
@inline(never)
private func attentionContextTileF32<Tile: AccumulatorsF32RowsA>(
    _: Tile.Type, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>,
    ldb: Int, c: UnsafeMutablePointer<Float>, ldc: Int, rows: Int, columns: Int, rowScales: UnsafePointer<Float>
) {
    var tile = Tile()
    tile.addColumnsA(k: k, a: a, lda: lda, b: b, ldb: ldb, rows: rows)
    tile.forEachRow(rows) { r, lo, hi in
        let scale = SIMD8<Float>(repeating: rowScales[r]), row = c + r * ldc
        if columns == 16 {
            storeF32x8(lo * scale, row)
            storeF32x8(hi * scale, row + 8)
        } else {
            storeF32x8(lo * scale, row, count: columns)
            storeF32x8(hi * scale, row + 8, count: columns - 8)
        }
    }
}

/// `scores[i·scoresStride] = q_i · key` for every query row i.
@inline(never)
private func queryKeyDotsF32(tokens: Int, headWidth: Int, q: UnsafePointer<Float>, stride: Int,
                             key: UnsafePointer<Float>, scores: UnsafeMutablePointer<Float>, scoresStride: Int) {
    let wholeVectors = headWidth & ~7
    for i in 0..<tokens {
        let query = q + i * stride
        var products = SIMD8<Float>()
        var d = 0
        while d < wholeVectors {
            products.addProduct(loadF32x8(query + d), loadF32x8(key + d))
            d &+= 8
        }
        var dot = horizontalSum(products)
        while d < headWidth { dot.addProduct(query[d], key[d]); d &+= 1 }
        scores[i * scoresStride] = dot
    }
}

/// Eight rows of eight floats (`ldx` apart) stored transposed as eight rows `ldy` apart: unpack
/// pairs of rows, then pairs of pairs, then swap 128-bit halves.
@inline(__always)
private func transposeStoreF32x8x8(_ x: UnsafePointer<Float>, _ ldx: Int, _ y: UnsafeMutablePointer<Float>, _ ldy: Int) {
    let r0 = loadF32x8(x), r1 = loadF32x8(x + ldx), r2 = loadF32x8(x + 2 * ldx), r3 = loadF32x8(x + 3 * ldx)
    let r4 = loadF32x8(x + 4 * ldx), r5 = loadF32x8(x + 5 * ldx), r6 = loadF32x8(x + 6 * ldx), r7 = loadF32x8(x + 7 * ldx)
    @inline(__always) func low(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
        SIMD8(a[0], b[0], a[1], b[1], a[4], b[4], a[5], b[5])
    }
    @inline(__always) func high(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
        SIMD8(a[2], b[2], a[3], b[3], a[6], b[6], a[7], b[7])
    }
    @inline(__always) func lowPairs(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
        SIMD8(a[0], a[1], b[0], b[1], a[4], a[5], b[4], b[5])
    }
    @inline(__always) func highPairs(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
        SIMD8(a[2], a[3], b[2], b[3], a[6], a[7], b[6], b[7])
    }
    let t0 = low(r0, r1), t1 = high(r0, r1), t2 = low(r2, r3), t3 = high(r2, r3)
    let t4 = low(r4, r5), t5 = high(r4, r5), t6 = low(r6, r7), t7 = high(r6, r7)
    let u0 = lowPairs(t0, t2), u1 = highPairs(t0, t2), u2 = lowPairs(t1, t3), u3 = highPairs(t1, t3)
    let u4 = lowPairs(t4, t6), u5 = highPairs(t4, t6), u6 = lowPairs(t5, t7), u7 = highPairs(t5, t7)
    storeF32x8(SIMD8(lowHalf: u0.lowHalf, highHalf: u4.lowHalf), y)
    storeF32x8(SIMD8(lowHalf: u1.lowHalf, highHalf: u5.lowHalf), y + ldy)
    storeF32x8(SIMD8(lowHalf: u2.lowHalf, highHalf: u6.lowHalf), y + 2 * ldy)
    storeF32x8(SIMD8(lowHalf: u3.lowHalf, highHalf: u7.lowHalf), y + 3 * ldy)
    storeF32x8(SIMD8(lowHalf: u0.highHalf, highHalf: u4.highHalf), y + 4 * ldy)
    storeF32x8(SIMD8(lowHalf: u1.highHalf, highHalf: u5.highHalf), y + 5 * ldy)
    storeF32x8(SIMD8(lowHalf: u2.highHalf, highHalf: u6.highHalf), y + 6 * ldy)
    storeF32x8(SIMD8(lowHalf: u3.highHalf, highHalf: u7.highHalf), y + 7 * ldy)
}

/// Floats of `scratch` that `attentionHeadF32` needs.
public func attentionHeadF32ScratchSize(tokens: Int, headWidth: Int) -> Int {
    headWidth * roundUp16(tokens) + tokens * roundUp16(headWidth)
}

@inline(__always)
private func roundUp16(_ n: Int) -> Int { (n + 15) & ~15 }

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
