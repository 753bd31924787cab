/// Nonlinearities the FP32 kernels can apply, alone or fused into a GEMM epilogue.
///
/// Stated maximum errors against the exact functions (Double libm), checked by
/// `ActivationsF32Tests` on a 2e-4 grid over [-20, 20]: sigmoid 1.5e-7 absolute; tanh 2.5e-7
/// absolute; GELU 3e-7·max(1, |x|); exp 3e-7 relative (on [-80, 80]); exp2 2e-7 relative (on
/// [-126, 127]). Measured: 1.2e-7, 1.8e-7, 2.0e-7, 2.5e-7, 1.8e-7. NaN in gives NaN out; ±Inf
/// saturates (GELU's bound holds for every finite x; GELU(−∞) is −10·Φ(−5.2) ≈ −1e-6); nothing
/// traps.
public enum ActivationF32: Sendable {
    case none, relu, sigmoid, tanh, gelu
}

extension ActivationF32 {
    /// Applies the nonlinearity to one vector.
    @inlinable @inline(__always)
    public func apply(_ x: SIMD8<Float>) -> SIMD8<Float> {
        switch self {
        case .none: x
        case .relu: reluF32x8(x)
        case .sigmoid: sigmoidF32x8(x)
        case .tanh: tanhF32x8(x)
        case .gelu: geluF32x8(x)
        }
    }

    /// Applies the nonlinearity in place to `count` floats.
    @inlinable
    public func apply(_ x: UnsafeMutablePointer<Float>, count: Int) {
        if case .none = self { return }
        var i = 0
        while i + 8 <= count {
            storeF32x8(apply(loadF32x8(x + i)), x + i)
            i += 8
        }
        if i < count { storeF32x8(apply(loadF32x8(x + i, count: count - i)), x + i, count: count - i) }
    }
}

extension ActivationF32 {
    /// Applies the nonlinearity in place to `rows` rows of `columns` floats, rows `stride` apart
    /// (a GEMM tile after its store). One call per tile; the nonlinearity is chosen once.
    @inline(never)
    public func apply(rows: Int, columns: Int, x: UnsafeMutablePointer<Float>, stride: Int) {
        switch self {
        case .none: return
        case .relu: mapRowsF32(ReLUF32.self, rows: rows, columns: columns, x: x, stride: stride)
        case .sigmoid: mapRowsF32(SigmoidF32.self, rows: rows, columns: columns, x: x, stride: stride)
        case .tanh: mapRowsF32(TanhF32.self, rows: rows, columns: columns, x: x, stride: stride)
        case .gelu: mapRowsF32(GELUF32.self, rows: rows, columns: columns, x: x, stride: stride)
        }
    }
}

/// A vector nonlinearity as a type, so a loop specialized on it inlines it (a closure argument
/// was left as a call per vector).
protocol VectorFunctionF32 {
    static func callAsFunction(_ x: SIMD8<Float>) -> SIMD8<Float>
}

enum ReLUF32: VectorFunctionF32 {
    @inline(always) static func callAsFunction(_ x: SIMD8<Float>) -> SIMD8<Float> { reluF32x8(x) }
}

enum SigmoidF32: VectorFunctionF32 {
    @inline(always) static func callAsFunction(_ x: SIMD8<Float>) -> SIMD8<Float> { sigmoidF32x8(x) }
}

enum TanhF32: VectorFunctionF32 {
    @inline(always) static func callAsFunction(_ x: SIMD8<Float>) -> SIMD8<Float> { tanhF32x8(x) }
}

enum GELUF32: VectorFunctionF32 {
    @inline(always) static func callAsFunction(_ x: SIMD8<Float>) -> SIMD8<Float> { geluF32x8(x) }
}

/// `x = f(x)` in place over `rows` rows of `columns` floats, rows `stride` apart.
@inline(__always)
func mapRowsF32<F: VectorFunctionF32>(_ f: F.Type, rows: Int, columns: Int, x: UnsafeMutablePointer<Float>,
                                      stride: Int) {
    let full = columns & ~7
    for r in 0..<rows {
        let row = x + r * stride
        var i = 0
        while i < full {
            storeF32x8(F.callAsFunction(loadF32x8(row + i)), row + i)
            i &+= 8
        }
        if full < columns { storeF32x8(F.callAsFunction(loadF32x8(row + full, count: columns - full)), row + full, count: columns - full) }
    }
}

/// max(x, 0); NaN stays NaN.
@inlinable @inline(__always)
public func reluF32x8(_ x: SIMD8<Float>) -> SIMD8<Float> {
    x.replacing(with: 0, where: x .< 0)
}

/// e^x by range reduction x = n·ln2 + r, |r| ≤ ln2/2, a degree-6 polynomial for e^r and 2^n built
/// from the exponent bits. Inputs are clamped to [-87, 88] so 2^n stays a normal float.
@inlinable @inline(__always)
public func expF32x8(_ x: SIMD8<Float>) -> SIMD8<Float> {
    var x = x.replacing(with: 88, where: x .> 88)
    x = x.replacing(with: -87, where: x .< -87)
    let magic = SIMD8<Float>(repeating: 12_582_912)  // 1.5·2^23: adding it rounds to an integer
    var t = magic
    t.addProduct(x, SIMD8(repeating: 1.442_695_04))
    let n = t - magic
    var r = x
    r.addProduct(n, SIMD8(repeating: -0.693_145_751_953_125))
    r.addProduct(n, SIMD8(repeating: -1.428_606_765_330_187e-6))
    var p = SIMD8<Float>(repeating: 1.0 / 720)
    p = fmaF32x8(p, r, 1.0 / 120)
    p = fmaF32x8(p, r, 1.0 / 24)
    p = fmaF32x8(p, r, 1.0 / 6)
    p = fmaF32x8(p, r, 0.5)
    p = fmaF32x8(p, r, 1)
    p = fmaF32x8(p, r, 1)
    let bits = unsafeBitCast(t, to: SIMD8<Int32>.self) &- unsafeBitCast(magic, to: SIMD8<Int32>.self)
    let scale = unsafeBitCast((bits &+ 127) &<< 23, to: SIMD8<Float>.self)
    return p * scale
}

/// 2^w by splitting w = n + f (n the nearest integer, |f| ≤ 1/2, f exact), a degree-5 polynomial
/// for 2^f (fitted for relative error on [-1/2, 1/2]) and 2^n from the exponent bits. Cheaper
/// than `expF32x8` (no ln 2 reduction, one coefficient fewer), for callers that can fold log2(e)
/// into a scale they apply anyway (softmax). w is clamped to [-126, 127] so 2^n stays normal.
@inlinable @inline(__always)
public func exp2F32x8(_ w: SIMD8<Float>) -> SIMD8<Float> {
    exp2AtMost127F32x8(w.replacing(with: 127, where: w .> 127))
}

/// `exp2F32x8` for w ≤ 127 (NaN aside), e.g. a softmax's w = (x − max)·scale ≤ 0: the same bits
/// without the upper clamp.
@inlinable @inline(__always)
public func exp2AtMost127F32x8(_ w: SIMD8<Float>) -> SIMD8<Float> {
    let w = w.replacing(with: -126, where: w .< -126)
    // 1.5·2^23 + 127: adding it rounds w to an integer and leaves n + 127 in the low mantissa
    // bits, so shifting them into the exponent field gives 2^n directly.
    let magic = SIMD8<Float>(repeating: 12_583_039)
    let t = w + magic
    let f = w - (t - magic)
    var p = SIMD8<Float>(repeating: 1.326_469_877e-3)
    p = fmaF32x8(p, f, 9.671_508_817e-3)
    p = fmaF32x8(p, f, 5.550_733_776e-2)
    p = fmaF32x8(p, f, 2.402_224_215e-1)
    p = fmaF32x8(p, f, 6.931_469_776e-1)
    p = fmaF32x8(p, f, 1)
    let scale = unsafeBitCast(unsafeBitCast(t, to: SIMD8<Int32>.self) &<< 23, to: SIMD8<Float>.self)
    return p * scale
}

/// p·r + c with one rounding.
@inlinable @inline(__always)
func fmaF32x8(_ p: SIMD8<Float>, _ r: SIMD8<Float>, _ c: Float) -> SIMD8<Float> {
    var acc = SIMD8<Float>(repeating: c)
    acc.addProduct(p, r)
    return acc
}

/// 1 / (1 + e^-x), with e^-x as 2^(−x·log2 e) (`exp2F32x8`, cheaper than `expF32x8`).
@inlinable @inline(__always)
public func sigmoidF32x8(_ x: SIMD8<Float>) -> SIMD8<Float> {
    1 / (1 + exp2F32x8(x * -1.442_695_04))
}

/// tanh x = 1 − 2 / (e^{2x} + 1), with e^{2x} as 2^(x·2 log2 e); saturates to ±1.
@inlinable @inline(__always)
public func tanhF32x8(_ x: SIMD8<Float>) -> SIMD8<Float> {
    1 - 2 / (exp2F32x8(x * 2.885_390_08) + 1)
}

/// GELU, erf form: x·Φ(x) with Φ(x) = 1/2 + x·P(x²)/Q(x²), P and Q of degree 5 in x², fitted
/// (iteratively reweighted least squares towards minimax) to erf(x/√2)/(2x) on |x| ≤ 5.2: max
/// |ΔΦ| 7e-9 in exact arithmetic; beyond 5.2, 1 − Φ < 1e-7, so x is clamped there. One division,
/// no exponential. Q has positive coefficients, so Q ≥ 1: no poles.
@inlinable @inline(always)
public func geluF32x8(_ x: SIMD8<Float>) -> SIMD8<Float> {
    var c = x.replacing(with: 5.2, where: x .> 5.2)
    c = c.replacing(with: -5.2, where: c .< -5.2)
    let u = c * c
    var p = SIMD8<Float>(repeating: 2.504_754e-8)
    p = fmaF32x8(p, u, 6.382_731_5e-6)
    p = fmaF32x8(p, u, 1.527_753_e-4)
    p = fmaF32x8(p, u, 4.583_195_8e-3)
    p = fmaF32x8(p, u, 3.213_938_3e-2)
    p = fmaF32x8(p, u, 3.989_422_6e-1)
    var q = SIMD8<Float>(repeating: 1.266_378_3e-6)
    q = fmaF32x8(q, u, 6.921_300_5e-5)
    q = fmaF32x8(q, u, 1.793_707_8e-3)
    q = fmaF32x8(q, u, 2.769_334_2e-2)
    q = fmaF32x8(q, u, 2.472_280_1e-1)
    q = fmaF32x8(q, u, 1)
    var phi = SIMD8<Float>(repeating: 0.5)
    phi.addProduct(c, p / q)
    // x·Φ(±5.2) is within the stated error for any finite x (Φ(5.2) = 1 − 1e-7, Φ(−5.2) ≈ 1e-7):
    // only −∞ needs a limit, and x ≥ −10 is the one compare (no selects for the other end), so
    // x < −10 gives −10·Φ(−5.2) ≈ −1e-6 (−∞ included) and +∞ gives +∞.
    return x.replacing(with: -10, where: x .< -10) * phi
}
