/// Layer norm over rows of uint8 activations `x = s · (q − z)`, FP32 out:
/// `y_j = γ_j · (x_j − mean) / sqrt(var + eps) + β_j`. The statistics are exact integers: with
/// `d = q − z`, `S1 = Σd` and `S2 = Σd²`, `mean = s·S1/n` and `var = s²·(n·S2 − S1²)/n²`
/// (`n·S2 − S1²` in Int64), so any summation order gives the same bits. Per element
/// `y_j = γ_j · (Float(n·d_j − S1) · (s/n) · r) + β_j`, `r = 1/sqrt(var + eps)`, eight lanes at a
/// time. Equals `layerNormU8Reference` bit for bit.
public func layerNormU8(rows: Int, columns n: Int, x: UnsafePointer<UInt8>, ldx: Int, scale: Float, zeroPoint: Int32,
                        gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, eps: Float,
                        y: UnsafeMutablePointer<Float>, ldy: Int) {
    precondition(n <= 1 << 17, "layerNormU8: rows of at most 131072 values (Int32 lane sums), got \(n)")
    let zero = SIMD8<Int32>(repeating: zeroPoint)
    let rawGamma = UnsafeRawPointer(gamma), rawBeta = UnsafeRawPointer(beta)
    for i in 0..<rows {
        let row = UnsafeRawPointer(x + i * ldx), out = UnsafeMutableRawPointer(y + i * ldy)
        var s1 = SIMD8<Int32>(), s2 = SIMD8<Int32>()
        var j = 0
        // |d| ≤ 255: a lane's sum of d² stays below 2³¹ for the row lengths the precondition allows.
        while j + 8 <= n {
            let d = widenedUInt8x8(row + j) &- zero
            s1 &+= d
            s2 &+= d &* d
            j += 8
        }
        var sum1 = Int64(s1.wrappedSum()), sum2 = Int64(s2.wrappedSum())
        while j < n {
            let d = Int64(Int32(x[i * ldx + j]) - zeroPoint)
            sum1 += d
            sum2 += d * d
            j += 1
        }
        let (factor, r) = layerNormFactors(n: n, sum1: sum1, sum2: sum2, scale: scale, eps: eps)
        let nv = SIMD8<Int32>(repeating: Int32(n)), s1v = SIMD8<Int32>(repeating: Int32(sum1))
        let factorV = SIMD8<Float>(repeating: factor), rV = SIMD8<Float>(repeating: r)
        j = 0
        while j + 8 <= n {
            let centered = (widenedUInt8x8(row + j) &- zero) &* nv &- s1v
            let v = rawGamma.loadUnaligned(fromByteOffset: 4 * j, as: SIMD8<Float>.self) * (floatLanes(centered) * factorV * rV)
                + rawBeta.loadUnaligned(fromByteOffset: 4 * j, as: SIMD8<Float>.self)
            out.storeBytes(of: v, toByteOffset: 4 * j, as: SIMD8<Float>.self)
            j += 8
        }
        while j < n {
            y[i * ldy + j] = layerNormElement(x[i * ldx + j], zeroPoint, n, sum1, factor, r, gamma[j], beta[j])
            j += 1
        }
    }
}

/// Scalar reference of `layerNormU8`.
public func layerNormU8Reference(rows: Int, columns n: Int, x: UnsafePointer<UInt8>, ldx: Int, scale: Float,
                                 zeroPoint: Int32, gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, eps: Float,
                                 y: UnsafeMutablePointer<Float>, ldy: Int) {
    for i in 0..<rows {
        var sum1: Int64 = 0, sum2: Int64 = 0
        for j in 0..<n {
            let d = Int64(x[i * ldx + j]) - Int64(zeroPoint)
            sum1 += d
            sum2 += d * d
        }
        let (factor, r) = layerNormFactors(n: n, sum1: sum1, sum2: sum2, scale: scale, eps: eps)
        for j in 0..<n {
            y[i * ldy + j] = layerNormElement(x[i * ldx + j], zeroPoint, n, sum1, factor, r, gamma[j], beta[j])
        }
    }
}

/// `s/n` and `1/sqrt(var + eps)` from the exact integer sums.
@inline(__always)
private func layerNormFactors(n: Int, sum1: Int64, sum2: Int64, scale: Float, eps: Float) -> (Float, Float) {
    let count = Float(n)
    let variance = Float(Int64(n) * sum2 - sum1 * sum1) * (scale * scale) / (count * count)
    return (scale / count, 1 / (variance + eps).squareRoot())
}

@inline(__always)
private func layerNormElement(_ q: UInt8, _ zeroPoint: Int32, _ n: Int, _ sum1: Int64, _ factor: Float, _ r: Float,
                              _ gamma: Float, _ beta: Float) -> Float {
    let centered = (Int32(q) - zeroPoint) &* Int32(n) &- Int32(sum1)
    return gamma * (Float(centered) * factor * r) + beta
}
