/// Row-wise softmax of `scale·x` (`scale` > 0) over `columns` floats per row, in place; rows are
/// `stride` apart. Subtracts the row maximum first, so large inputs do not overflow.
public func softmaxF32(rows: Int, columns: Int, x: UnsafeMutablePointer<Float>, stride: Int, scale: Float = 1) {
    guard columns > 0 else { return }
    let shape = SoftmaxRowShape(columns: columns, scale: scale)
    var r = 0
    // A row is one long dependency chain (maximum, exponentials, sum, division), so rows go four
    // at a time, their steps interleaved, when they have a whole vector; each row's operations
    // are those of the one-row path, so the grouping does not change any bit.
    if columns >= 8 {
        while r + 4 <= rows {
            softmaxFourRowsF32(x + r * stride, x + (r + 1) * stride, x + (r + 2) * stride, x + (r + 3) * stride, shape)
            r += 4
        }
    }
    while r < rows {
        softmaxRowF32(x + r * stride, shape)
        r += 1
    }
}

/// What every row of one `softmaxF32` call shares.
struct SoftmaxRowShape {
    let columns: Int, full: Int, tail: Int
    /// Rows of at least 8 with a ragged end finish with one vector ending at the last column, read
    /// before the row is overwritten; lanes it shares with the last full vector are written twice
    /// with the same value and counted once.
    let overlapping: Bool
    /// The lanes of that last vector past the last full one.
    let fresh: SIMDMask<SIMD8<Int32>>
    /// The caller's scale times log2(e): the exponentials are computed as powers of 2.
    let scale: SIMD8<Float>

    init(columns: Int, scale: Float) {
        self.columns = columns
        full = columns / 8 * 8
        tail = columns - full
        overlapping = columns >= 8 && tail > 0
        // A Float comparison: the Int32 one compiled to a lane-by-lane loop through memory.
        fresh = SIMD8<Float>(0, 1, 2, 3, 4, 5, 6, 7) .>= Float(8 - tail)
        self.scale = SIMD8(repeating: scale * 1.442_695_04)
    }

    /// The row's ragged end (see `overlapping`), or the lanes past `full` padded with −∞.
    @inline(always)
    func last(_ row: UnsafeMutablePointer<Float>) -> SIMD8<Float> {
        overlapping ? loadF32x8(row + columns - 8) : loadF32x8(row + full, count: tail, fill: -.infinity)
    }

    /// The row maximum in every lane, from the lane-wise maximum.
    @inline(always)
    func broadcastMaximum(_ maxV: SIMD8<Float>) -> SIMD8<Float> { SIMD8(repeating: horizontalMax(maxV)) }

    /// e^((x − max)·scale) = 2^((x − max)·scale·log2(e)). The difference is taken first, so the
    /// power is never above 0: the fused x·scale − max·scale rounds max·scale, an error that grows
    /// with max (at max 1e10 it reached +512 and 2^w wrapped, giving probabilities outside [0, 1]).
    @inline(always)
    func exponential(_ x: SIMD8<Float>, _ maximum: SIMD8<Float>) -> SIMD8<Float> {
        exp2AtMost127F32x8((x - maximum) * scale)
    }

    /// The exponentials of the ragged end, and the lanes of them the sum counts.
    @inline(always)
    func lastExponentials(_ last: SIMD8<Float>, _ maximum: SIMD8<Float>) -> (stored: SIMD8<Float>, counted: SIMD8<Float>) {
        let e = exponential(last, maximum)
        if overlapping { return (e, e.replacing(with: 0, where: .!fresh)) }
        let masked = e.replacing(with: 0, where: SIMD8<Float>(0, 1, 2, 3, 4, 5, 6, 7) .>= Float(tail))
        return (masked, masked)
    }

    @inline(always)
    func storeLast(_ v: SIMD8<Float>, _ row: UnsafeMutablePointer<Float>) {
        if overlapping {
            storeF32x8(v, row + columns - 8)
        } else if tail > 0 {
            storeF32x8(v, row + full, count: tail)
        }
    }
}

/// One row of `softmaxF32`.
@inline(__always)
private func softmaxRowF32(_ row: UnsafeMutablePointer<Float>, _ s: SoftmaxRowShape) {
    let last = s.last(row)
    var maxV = s.tail > 0 ? last : SIMD8<Float>(repeating: -.infinity)
    var i = 0
    while i < s.full { maxV = maxF32x8(maxV, loadF32x8(row + i)); i &+= 8 }
    let maximum = s.broadcastMaximum(maxV)
    var sumV = SIMD8<Float>()
    i = 0
    while i < s.full {
        let e = s.exponential(loadF32x8(row + i), maximum)
        storeF32x8(e, row + i)
        sumV += e
        i &+= 8
    }
    var lastExp = SIMD8<Float>()
    if s.tail > 0 {
        let (stored, counted) = s.lastExponentials(last, maximum)
        lastExp = stored
        sumV += counted
    }
    let inverse = SIMD8<Float>(repeating: 1 / horizontalSum(sumV))
    i = 0
    while i < s.full { storeF32x8(loadF32x8(row + i) * inverse, row + i); i &+= 8 }
    s.storeLast(lastExp * inverse, row)
}

/// Four rows of `softmaxF32` (columns ≥ 8), step by step.
@inline(never)
private func softmaxFourRowsF32(_ r0: UnsafeMutablePointer<Float>, _ r1: UnsafeMutablePointer<Float>,
                                _ r2: UnsafeMutablePointer<Float>, _ r3: UnsafeMutablePointer<Float>, _ s: SoftmaxRowShape) {
    let last0 = s.last(r0), last1 = s.last(r1), last2 = s.last(r2), last3 = s.last(r3)
    let none = SIMD8<Float>(repeating: -.infinity)
    var m0 = s.tail > 0 ? last0 : none, m1 = s.tail > 0 ? last1 : none
    var m2 = s.tail > 0 ? last2 : none, m3 = s.tail > 0 ? last3 : none
    var i = 0
    while i < s.full {
        m0 = maxF32x8(m0, loadF32x8(r0 + i)); m1 = maxF32x8(m1, loadF32x8(r1 + i))
        m2 = maxF32x8(m2, loadF32x8(r2 + i)); m3 = maxF32x8(m3, loadF32x8(r3 + i))
        i &+= 8
    }
    let h0 = s.broadcastMaximum(m0), h1 = s.broadcastMaximum(m1)
    let h2 = s.broadcastMaximum(m2), h3 = s.broadcastMaximum(m3)
    var s0 = SIMD8<Float>(), s1 = SIMD8<Float>(), s2 = SIMD8<Float>(), s3 = SIMD8<Float>()
    i = 0
    while i < s.full {
        let e0 = s.exponential(loadF32x8(r0 + i), h0), e1 = s.exponential(loadF32x8(r1 + i), h1)
        let e2 = s.exponential(loadF32x8(r2 + i), h2), e3 = s.exponential(loadF32x8(r3 + i), h3)
        storeF32x8(e0, r0 + i); storeF32x8(e1, r1 + i); storeF32x8(e2, r2 + i); storeF32x8(e3, r3 + i)
        s0 += e0; s1 += e1; s2 += e2; s3 += e3
        i &+= 8
    }
    var x0 = SIMD8<Float>(), x1 = SIMD8<Float>(), x2 = SIMD8<Float>(), x3 = SIMD8<Float>()
    if s.tail > 0 {
        let l0 = s.lastExponentials(last0, h0), l1 = s.lastExponentials(last1, h1)
        let l2 = s.lastExponentials(last2, h2), l3 = s.lastExponentials(last3, h3)
        x0 = l0.stored; x1 = l1.stored; x2 = l2.stored; x3 = l3.stored
        s0 += l0.counted; s1 += l1.counted; s2 += l2.counted; s3 += l3.counted
    }
    let v0 = SIMD8<Float>(repeating: 1 / horizontalSum(s0)), v1 = SIMD8<Float>(repeating: 1 / horizontalSum(s1))
    let v2 = SIMD8<Float>(repeating: 1 / horizontalSum(s2)), v3 = SIMD8<Float>(repeating: 1 / horizontalSum(s3))
    i = 0
    while i < s.full {
        storeF32x8(loadF32x8(r0 + i) * v0, r0 + i); storeF32x8(loadF32x8(r1 + i) * v1, r1 + i)
        storeF32x8(loadF32x8(r2 + i) * v2, r2 + i); storeF32x8(loadF32x8(r3 + i) * v3, r3 + i)
        i &+= 8
    }
    s.storeLast(x0 * v0, r0); s.storeLast(x1 * v1, r1); s.storeLast(x2 * v2, r2); s.storeLast(x3 * v3, r3)
}

/// Scalar reference for `softmaxF32`, in Double.
public func softmaxF32Reference(rows: Int, columns: Int, x: UnsafeMutablePointer<Float>, stride: Int, scale: Float = 1) {
    for r in 0..<rows {
        let row = x + r * stride
        var top = -Double.infinity
        for i in 0..<columns { top = max(top, Double(row[i]) * Double(scale)) }
        var sum = 0.0
        for i in 0..<columns { sum += _expD(Double(row[i]) * Double(scale) - top) }
        for i in 0..<columns { row[i] = Float(_expD(Double(row[i]) * Double(scale) - top) / sum) }
    }
}
