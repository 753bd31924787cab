#if arch(x86_64)
import Builtin
#endif

// The int8 convolution of shallow windows runs on the FP32 shallow kernel. Its operands are
// integers (centered activations within ±255, int8 weights within ±128), so every product and
// every partial sum of a window of at most `ShallowConv2DF32.maximumWindow` values stays below
// 2²⁴ in magnitude: FP32 holds them exactly, and each FMA is exact whatever its order. The sums
// therefore equal the integer sums of `conv2dS8Reference` bit for bit, at one FMA per eight
// products and without the depth padding to pairs (9 → 12 for a 3×3 window on one channel)
// that the `vpmaddwd` path needs.

/// Quantizes like `quantizeU8` and stores `Float(q − zeroPoint)`: the centered activations of
/// `conv2dS8Shallow`, as exact FP32 integers.
public func quantizeCenteredF32(count: Int, x: UnsafePointer<Float>, inverseScale: Float, zeroPoint: Int32,
                                y: UnsafeMutablePointer<Float>) {
    let inverse = SIMD8<Float>(repeating: inverseScale), zero = SIMD8<Float>(repeating: Float(zeroPoint))
    let rawX = UnsafeRawPointer(x), rawY = UnsafeMutableRawPointer(y)
    var i = 0
    while i + 8 <= count {
        let v = clampedToByteRange(rawX.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self) * inverse + zero)
        // Adding and removing 1.5·2²³ rounds half to even, as the integer conversions of `quantizeU8` do.
        let rounded = (v + 12_582_912) - 12_582_912
        rawY.storeBytes(of: rounded - zero, toByteOffset: 4 * i, as: SIMD8<Float>.self)
        i += 8
    }
    while i < count {
        y[i] = Float(Int32(quantizeU8(x[i], inverseScale: inverseScale, zeroPoint: zeroPoint)) - zeroPoint)
        i += 1
    }
}

/// `y[i] = Float(x[i] − zeroPoint)`: uint8 activations centered, as exact FP32 integers.
public func centerU8AsF32(count: Int, x: UnsafePointer<UInt8>, zeroPoint: Int32, y: UnsafeMutablePointer<Float>) {
    let zero = SIMD8<Int32>(repeating: zeroPoint)
    let rawX = UnsafeRawPointer(x), rawY = UnsafeMutableRawPointer(y)
    var i = 0
    while i + 8 <= count {
        rawY.storeBytes(of: floatLanes(widenedUInt8x8(rawX + i) &- zero), toByteOffset: 4 * i, as: SIMD8<Float>.self)
        i += 8
    }
    while i < count {
        y[i] = Float(Int32(x[i]) - zeroPoint)
        i += 1
    }
}

/// OIHW int8 weights as the FP32 packed panels `conv2dS8Shallow` reads (exact: every int8 is a float).
public func packConv2DWeightsS8AsF32(outChannels: Int, _ g: Conv2DGeometry, weights: UnsafePointer<Int8>,
                                     into packed: UnsafeMutablePointer<Float>) {
    let count = outChannels * g.windowSize
    let floats = UnsafeMutablePointer<Float>.allocate(capacity: count)
    defer { floats.deallocate() }
    for i in 0..<count { floats[i] = Float(weights[i]) }
    packConv2DWeightsF32(outChannels: outChannels, g, weights: floats, into: packed)
}

/// Int8 convolution of a shallow window on exact FP32 sums (see above). `image` holds the centered
/// activations as floats (`quantizeCenteredF32` / `centerU8AsF32`) in the layout of
/// `shallow.geometry`; `packedWeights` comes from `packConv2DWeightsS8AsF32`; `workspace` holds
/// `shallow.workspaceSize` floats and `scratch` `indirectConvS8ScratchSize(outputs:)` Int32s. For
/// each block of up to six output positions, `epilogue(first, count, acc, ldacc)` receives their
/// Int32 sums, equal to `conv2dS8Reference` bit for bit. Allocates nothing.
public func conv2dS8Shallow(_ shallow: ShallowConv2DF32, image: UnsafePointer<Float>, packedWeights: UnsafePointer<Float>,
                            outputs: Int, workspace: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Int32>,
                            epilogue: (_ first: Int, _ count: Int, _ acc: UnsafePointer<Int32>, _ ldacc: Int) -> Void) {
    precondition(shallow.geometry.windowSize <= ShallowConv2DF32.maximumWindow, "int8 shallow conv: window too deep to stay exact")
    let source = shallow.prepared(image, workspace: workspace), depth = shallow.geometry.windowSize
    let panels = (outputs + 15) / 16, ldacc = panels * 16
    shallow.offsets.withUnsafeBufferPointer { offsets in
        shallow.forEachBlock { first, count, corners in
            for panel in 0..<panels {
                conv2dShallowSumsF32_6x16(x: source, corners: corners, offsets: offsets.baseAddress!, depth: depth,
                                          b: packedWeights + panel * 16 * depth, c: scratch + panel * 16, ldc: ldacc)
            }
            epilogue(first, count, scratch, ldacc)
        }
    }
}

@inline(never)
func conv2dShallowSumsF32_6x16(x: UnsafePointer<Float>, corners: UnsafePointer<Int>, offsets: UnsafePointer<Int>,
                               depth: Int, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Int32>, ldc: Int) {
    let t = accumulateShallowF32_6x16(x: x, corners: corners, offsets: offsets, depth: depth, b: b)
    let raw = UnsafeMutableRawPointer(c), row = 4 * ldc
    raw.storeBytes(of: exactIntegerLanes(t.c00), as: SIMD8<Int32>.self)
    raw.storeBytes(of: exactIntegerLanes(t.c01), toByteOffset: 32, as: SIMD8<Int32>.self)
    raw.storeBytes(of: exactIntegerLanes(t.c10), toByteOffset: row, as: SIMD8<Int32>.self)
    raw.storeBytes(of: exactIntegerLanes(t.c11), toByteOffset: row + 32, as: SIMD8<Int32>.self)
    raw.storeBytes(of: exactIntegerLanes(t.c20), toByteOffset: 2 * row, as: SIMD8<Int32>.self)
    raw.storeBytes(of: exactIntegerLanes(t.c21), toByteOffset: 2 * row + 32, as: SIMD8<Int32>.self)
    raw.storeBytes(of: exactIntegerLanes(t.c30), toByteOffset: 3 * row, as: SIMD8<Int32>.self)
    raw.storeBytes(of: exactIntegerLanes(t.c31), toByteOffset: 3 * row + 32, as: SIMD8<Int32>.self)
    raw.storeBytes(of: exactIntegerLanes(t.c40), toByteOffset: 4 * row, as: SIMD8<Int32>.self)
    raw.storeBytes(of: exactIntegerLanes(t.c41), toByteOffset: 4 * row + 32, as: SIMD8<Int32>.self)
    raw.storeBytes(of: exactIntegerLanes(t.c50), toByteOffset: 5 * row, as: SIMD8<Int32>.self)
    raw.storeBytes(of: exactIntegerLanes(t.c51), toByteOffset: 5 * row + 32, as: SIMD8<Int32>.self)
}

/// Float lanes holding integers, as Int32 (`vcvttps2dq` on x86_64).
@inline(__always)
func exactIntegerLanes(_ x: SIMD8<Float>) -> SIMD8<Int32> {
#if arch(x86_64)
    unsafeBitCast(Builtin.fptosi_Vec8xFPIEEE32_Vec8xInt32(x._storage._value), to: SIMD8<Int32>.self)
#else
    SIMD8<Int32>(x, rounding: .towardZero)
#endif
}

/// What `conv2dS8ShallowU8` does to each sum: `requantizeColumnsU8` with no activation or ReLU,
/// `scale` and `bias` per output channel (`scale` = input scale × weight scale).
public struct ShallowConvS8Requantization {
    public var scale: UnsafePointer<Float>
    public var bias: UnsafePointer<Float>?
    public var relu: Bool
    public var outputInverseScale: Float
    public var outputZeroPoint: Int32

    public init(scale: UnsafePointer<Float>, bias: UnsafePointer<Float>?, relu: Bool,
                outputInverseScale: Float, outputZeroPoint: Int32) {
        self.scale = scale; self.bias = bias; self.relu = relu
        self.outputInverseScale = outputInverseScale; self.outputZeroPoint = outputZeroPoint
    }
}

/// `conv2dS8Shallow` with the uint8 requantization fused into the micro-kernel, while the sums
/// are still in registers (no Int32 round trip through scratch): `y` gets channels-last
/// `[OH·OW][outputs]` bytes equal to `requantizeColumnsU8` of the integer sums, bit for bit.
/// `outputs` must be a multiple of 16 (whole weight panels); other counts use `conv2dS8Shallow`.
public func conv2dS8ShallowU8(_ shallow: ShallowConv2DF32, image: UnsafePointer<Float>, packedWeights: UnsafePointer<Float>,
                              outputs: Int, requantization: ShallowConvS8Requantization,
                              workspace: UnsafeMutablePointer<Float>, y: UnsafeMutablePointer<UInt8>) {
    precondition(shallow.geometry.windowSize <= ShallowConv2DF32.maximumWindow && outputs % 16 == 0,
                 "int8 shallow conv: window too deep to stay exact, or outputs not whole panels")
    let source = shallow.prepared(image, workspace: workspace), depth = shallow.geometry.windowSize
    shallow.offsets.withUnsafeBufferPointer { offsets in
        shallow.forEachBlock { first, count, corners in
            var j0 = 0
            while j0 < outputs {
                conv2dShallowU8_6x16(x: source, corners: corners, offsets: offsets.baseAddress!, depth: depth,
                                     b: packedWeights + j0 * depth, requantization: requantization, column: j0,
                                     y: y + first * outputs + j0, ldy: outputs, rows: count)
                j0 += 16
            }
        }
    }
}

@inline(never)
func conv2dShallowU8_6x16(x: UnsafePointer<Float>, corners: UnsafePointer<Int>, offsets: UnsafePointer<Int>,
                          depth: Int, b: UnsafePointer<Float>, requantization q: ShallowConvS8Requantization, column: Int,
                          y: UnsafeMutablePointer<UInt8>, ldy: Int, rows: Int) {
    let t = accumulateShallowF32_6x16(x: x, corners: corners, offsets: offsets, depth: depth, b: b)
    let scale0 = loadF32x8(q.scale + column), scale1 = loadF32x8(q.scale + column + 8)
    var bias0 = SIMD8<Float>(), bias1 = SIMD8<Float>()
    if let bias = q.bias {
        bias0 = loadF32x8(bias + column)
        bias1 = loadF32x8(bias + column + 8)
    }
    let inverse = SIMD8<Float>(repeating: q.outputInverseScale), zero = SIMD8<Float>(repeating: Float(q.outputZeroPoint))
    let hasBias = q.bias != nil, relu = q.relu
    // The float operations of `requantizeColumnsU8` in its order; the sums are exact integers,
    // so `sum · scale` here is `Float(acc) · scale` there.
    @inline(__always) func bytes(_ sum: SIMD8<Float>, _ scale: SIMD8<Float>, _ bias: SIMD8<Float>) -> SIMD8<UInt8> {
        var v = sum * scale
        if hasBias { v = v + bias }
        if relu { v = reluF32x8(v) }
        let clamped = clampedToByteRange(v * inverse + zero)
        return lowBytes(unsafeBitCast(clamped + 12_582_912, to: SIMD8<Int32>.self) &- 0x4B40_0000)
    }
    @inline(__always) func store(_ row: Int, _ lo: SIMD8<Float>, _ hi: SIMD8<Float>) {
        let out = UnsafeMutableRawPointer(y + row * ldy)
        out.storeBytes(of: SIMD16<UInt8>(lowHalf: bytes(lo, scale0, bias0), highHalf: bytes(hi, scale1, bias1)),
                       as: SIMD16<UInt8>.self)
    }
    store(0, t.c00, t.c01)
    if rows > 1 { store(1, t.c10, t.c11) }
    if rows > 2 { store(2, t.c20, t.c21) }
    if rows > 3 { store(3, t.c30, t.c31) }
    if rows > 4 { store(4, t.c40, t.c41) }
    if rows > 5 { store(5, t.c50, t.c51) }
}
