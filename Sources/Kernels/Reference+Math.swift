#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// Double-precision libm functions for the scalar references.
@inline(__always) func _expD(_ x: Double) -> Double { exp(x) }
@inline(__always) func _tanhD(_ x: Double) -> Double { tanh(x) }
@inline(__always) func _erfD(_ x: Double) -> Double { erf(x) }

/// Exact (Double libm) value of an activation, for references and error checks.
public func activationF32Reference(_ activation: ActivationF32, _ x: Float) -> Float {
    let d = Double(x)
    switch activation {
    case .none: return x
    case .relu: return x < 0 ? 0 : x
    case .sigmoid: return Float(1 / (1 + _expD(-d)))
    case .tanh: return Float(_tanhD(d))
    case .gelu: return Float(0.5 * d * (1 + _erfD(d / 2.0.squareRoot())))
    }
}

/// Exact e^x in Double, rounded to Float.
public func expF32Reference(_ x: Float) -> Float { Float(_expD(Double(x))) }

/// Exact 2^w in Double, rounded to Float.
public func exp2F32Reference(_ w: Float) -> Float { Float(_expD(Double(w) * 0.693_147_180_559_945_3)) }
