import Kernels

/// A layer's weight matrix packed once, at model init, as the GEMM's B operand (`[in][out]` in
/// 16-column panels), with its bias. Immutable after init and shared by every worker lane and
/// sibling instance (`Model.makeSibling()`).
final class PackedWeights {
    let inputs: Int
    let outputs: Int
    let packed: FloatBuffer
    let bias: FloatBuffer?
    /// The int8 form (an int8 `WeightSet`); when present `packed` is unused.
    let quantized: QuantizedLinear?
    /// A convolution's Winograd-transformed weights, when `WinogradConv2DF32.prefers` its geometry
    /// (then `packed` is unused).
    let winograd: FloatBuffer?

    /// From a dense weight `[out, in]` (`y = W x + b`).
    init(dense weight: [Float], bias: [Float]?, inputs: Int, outputs: Int) {
        self.inputs = inputs; self.outputs = outputs
        let packed = FloatBuffer(count: gemmF32PackedBSize(k: inputs, n: outputs))
        weight.withUnsafeBufferPointer { w in
            packBF32(k: inputs, n: outputs, b: w.baseAddress!, rowStride: 1, columnStride: inputs, into: packed.pointer)
        }
        self.packed = packed
        self.bias = bias.map(FloatBuffer.init(copying:))
        quantized = nil
        winograd = nil
    }

    /// From an OIHW convolution weight, for `conv2dF32` over geometry `g` (or its Winograd form).
    init(conv weight: [Float], bias: [Float], geometry g: Conv2DGeometry, outputs: Int) {
        inputs = g.windowSize; self.outputs = outputs
        self.bias = FloatBuffer(copying: bias)
        quantized = nil
        if WinogradConv2DF32.prefers(g, outChannels: outputs), let plan = WinogradConv2DF32(g, outChannels: outputs) {
            let transformed = FloatBuffer(count: plan.packedWeightsSize)
            weight.withUnsafeBufferPointer { plan.packWeights($0.baseAddress!, into: transformed.pointer) }
            winograd = transformed
            packed = FloatBuffer(count: 1)
            return
        }
        let packed = FloatBuffer(count: gemmF32PackedBSize(k: g.windowSize, n: outputs))
        weight.withUnsafeBufferPointer { w in
            packConv2DWeightsF32(outChannels: outputs, g, weights: w.baseAddress!, into: packed.pointer)
        }
        self.packed = packed
        winograd = nil
    }

    /// An int8 matrix (see `QuantizedLinear`).
    init(quantized: QuantizedLinear) {
        inputs = quantized.inputs; outputs = quantized.outputs
        packed = FloatBuffer(count: 1)
        bias = nil
        self.quantized = quantized
        winograd = nil
    }

    var biasPointer: UnsafePointer<Float>? { bias.map { UnsafePointer($0.pointer) } }

    /// `y[rows × outputs] = act(x[rows × inputs] · Wᵀ + b)`; `addend` (FP32 only, rows `outputs`
    /// apart) is added before the activation.
    @inline(__always)
    func apply(rows: Int, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, ldy: Int? = nil,
               activation: ActivationF32 = .none, accumulate: Bool = false, addend: UnsafePointer<Float>? = nil) {
        if let quantized {
            precondition(addend == nil, "int8 matrices take no addend")
            quantized.apply(rows: rows, x: x, y: y, ldy: ldy ?? outputs, activation: activation, accumulate: accumulate)
            return
        }
        gemmF32(m: rows, n: outputs, k: inputs, a: x, lda: inputs, packedB: packed.pointer, c: y, ldc: ldy ?? outputs,
                accumulate: accumulate, epilogue: GEMMF32Epilogue(columnBias: biasPointer, activation: activation,
                                                                  addend: addend, addendStride: outputs))
    }
}
