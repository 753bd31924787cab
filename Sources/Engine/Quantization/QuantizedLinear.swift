import Kernels

/// The immutable part of an int8 weight matrix: the weights packed as the GEMM's right operand,
/// the per-column FP32 scales (`s_w[j] · s_x`), the bias and the calibrated quantization of the
/// input. Built once per weight file and shared by every lane and sibling instance; each of them
/// wraps it in a `QuantizedLinear` with scratch of its own.
final class QuantizedLinearWeights {
    let inputs: Int
    let outputs: Int
    let right: PackedRightS8
    let columnScale: FloatBuffer
    let bias: FloatBuffer?
    let inverseInputScale: Float
    let inputZeroPoint: Int32
    /// Built here (it allocates): the in-place window walk of the convolution this matrix serves.
    let indirect: IndirectConvS8Layout?

    /// `weight` holds `outputs` rows of `inputs` int8 values (depth order of the GEMM), `scales`
    /// one per output; `input` quantizes the values this matrix multiplies.
    init(weight: UnsafePointer<Int8>, scales: [Float], bias: [Float]?, input: QuantizationParameters,
         inputs: Int, outputs: Int, convolution: Conv2DGeometry? = nil) {
        self.inputs = inputs
        self.outputs = outputs
        right = PackedRightS8(depth: inputs, columns: outputs)
        right.pack(transposed: weight, ld: inputs)
        columnScale = FloatBuffer(copying: scales.map { $0 * input.scale })
        self.bias = bias.map(FloatBuffer.init(copying:))
        inverseInputScale = 1 / input.scale
        inputZeroPoint = input.zeroPoint
        indirect = convolution.flatMap(IndirectConvS8Layout.init).flatMap { $0.depth == inputs ? $0 : nil }
    }
}

/// A weight matrix of an int8 model: `y = act(x · Wᵀ + b)` computed as quantize `x` to uint8
/// (the calibrated parameters of this matrix's input), int8 GEMM with Int32 accumulation against
/// the per-channel symmetric weights, then one FP32 epilogue (`Float(acc) · s_x · s_w[j] + b[j]`).
/// The packed weights are shared (`QuantizedLinearWeights`); the scratch for up to `rowCapacity`
/// rows is allocated here, so a run allocates nothing (the scratch belongs to the model instance,
/// which runs one batch at a time).
final class QuantizedLinear {
    let inputs: Int
    let outputs: Int
    private let right: PackedRightS8
    private let columnScale: FloatBuffer
    private let bias: FloatBuffer?
    private let inverseInputScale: Float
    private let inputZeroPoint: Int32
    private let rowCapacity: Int
    private let quantizedInput: UnsafeMutablePointer<Int16>
    private let left: PackedLeftS8
    private let accumulators: UnsafeMutablePointer<Int32>
    /// Block scratch of `conv2dS8Indirect`, for convolutions whose windows it reads in place.
    private let blockScratch: UnsafeMutablePointer<Int32>
    private let indirect: IndirectConvS8Layout?

    /// Scratch for `rowCapacity` rows (and a quantized input of `inputCapacity` values, when a
    /// convolution's image is larger than its rows) around the shared `weights`.
    init(weights: QuantizedLinearWeights, rowCapacity: Int, inputCapacity: Int? = nil) {
        inputs = weights.inputs
        outputs = weights.outputs
        right = weights.right
        columnScale = weights.columnScale
        bias = weights.bias
        inverseInputScale = weights.inverseInputScale
        inputZeroPoint = weights.inputZeroPoint
        indirect = weights.indirect
        self.rowCapacity = rowCapacity
        quantizedInput = .allocate(capacity: max(inputCapacity ?? rowCapacity * inputs, rowCapacity * inputs))
        left = PackedLeftS8(rows: rowCapacity, depth: inputs)
        accumulators = .allocate(capacity: rowCapacity * outputs)
        blockScratch = .allocate(capacity: indirectConvS8ScratchSize(outputs: outputs))
    }

    deinit {
        quantizedInput.deallocate()
        accumulators.deallocate()
        blockScratch.deallocate()
    }

    /// `y[i·ldy + j] = act(Σ_p x[i·inputs + p] W[j][p] + b[j] (+ y if accumulate))` for `rows` rows.
    func apply(rows: Int, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, ldy: Int,
               activation: ActivationF32, accumulate: Bool) {
        precondition(rows <= rowCapacity, "int8 matrix sized for \(rowCapacity) rows, asked for \(rows)")
        quantizeCenteredS16(count: rows * inputs, x: x, inverseScale: inverseInputScale, zeroPoint: inputZeroPoint,
                            y: quantizedInput)
        for i in 0..<rows { left.packRow(i, centered: quantizedInput + i * inputs) }
        multiply(rows: rows, y: y, ldy: ldy, activation: activation, accumulate: accumulate)
    }

    /// One sample's convolution over geometry `g` (depth order (ky, kx, c)): output `[positions, outputs]`.
    func convolve(_ g: Conv2DGeometry, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, activation: ActivationF32) {
        precondition(g.positions <= rowCapacity && g.windowSize == inputs, "int8 convolution scratch too small")
        let imageCount = g.channels * g.height * g.width
        quantizeCenteredS16(count: imageCount, x: x, inverseScale: inverseInputScale, zeroPoint: inputZeroPoint,
                            y: quantizedInput)
        // The windows are read in place when their depth order is the im2col order (no padding taps).
        if let layout = indirect, layout.geometry == g {
            conv2dS8Indirect(layout, image: quantizedInput, right: right, scratch: blockScratch) { first, count, acc, ldacc in
                dequantizeColumnsF32(rows: count, columns: outputs, acc: acc, ldacc: ldacc, scale: columnScale.pointer,
                                     bias: bias.map { UnsafePointer($0.pointer) }, activation: activation,
                                     accumulate: false, y: y + first * outputs, ldy: outputs)
            }
            return
        }
        im2colPackLeftS8(g, image: quantizedInput, into: left)
        multiply(rows: g.positions, y: y, ldy: outputs, activation: activation, accumulate: false)
    }

    private func multiply(rows: Int, y: UnsafeMutablePointer<Float>, ldy: Int,
                          activation: ActivationF32, accumulate: Bool) {
        gemmS8(left: left, right: right, rows: rows, c: accumulators, ldc: outputs)
        // GELU, tanh and sigmoid run as a separate in-place pass (the same vector functions, so the
        // same bits): inside the dequantization loop they compiled to 128-bit halves behind a
        // per-vector switch, which made attn int8's GELU layer cost more than the FP32 one.
        let separate: Bool
        switch activation {
        case .none, .relu: separate = false
        case .sigmoid, .tanh, .gelu: separate = true
        }
        dequantizeColumnsF32(rows: rows, columns: outputs, acc: accumulators, ldacc: outputs, scale: columnScale.pointer,
                             bias: bias.map { UnsafePointer($0.pointer) }, activation: separate ? .none : activation,
                             accumulate: accumulate, y: y, ldy: ldy)
        if separate { activation.apply(rows: rows, columns: outputs, x: y, stride: ldy) }
    }
}
