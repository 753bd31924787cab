/// Unaligned whole-vector and partial-vector loads and stores used by every FP32 kernel.
/// Partial forms touch only the first `count` lanes of memory, so row tails never read or write
/// past the end of a buffer.
@inlinable @inline(__always)
func loadF32x8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
}

@inlinable @inline(__always)
func storeF32x8(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
}

/// Lanes at and after `count` are `fill`.
@inlinable @inline(__always)
func loadF32x8(_ p: UnsafePointer<Float>, count: Int, fill: Float = 0) -> SIMD8<Float> {
    if count >= 8 { return loadF32x8(p) }
    var v = SIMD8<Float>(repeating: fill)
    for i in 0..<max(count, 0) { v[i] = p[i] }
    return v
}

@inlinable @inline(__always)
func storeF32x8(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>, count: Int) {
    if count >= 8 { storeF32x8(v, p); return }
    for i in 0..<max(count, 0) { p[i] = v[i] }
}

/// Sum of the lanes as a tree (the standard library's `sum()` adds the lanes one by one).
@inlinable @inline(__always)
func horizontalSum(_ v: SIMD8<Float>) -> Float {
    let four = v.lowHalf + v.highHalf
    let two = four.lowHalf + four.highHalf
    return two[0] + two[1]
}

/// Lane-wise maximum (the standard library's generic `pointwiseMax` is not inlined: a call per vector).
@inlinable @inline(__always)
func maxF32x8(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
    a.replacing(with: b, where: b .> a)
}

/// Largest lane, as a tree.
@inlinable @inline(__always)
func horizontalMax(_ v: SIMD8<Float>) -> Float {
    let four = v.lowHalf.replacing(with: v.highHalf, where: v.highHalf .> v.lowHalf)
    let two = four.lowHalf.replacing(with: four.highHalf, where: four.highHalf .> four.lowHalf)
    return Swift.max(two[0], two[1])
}
