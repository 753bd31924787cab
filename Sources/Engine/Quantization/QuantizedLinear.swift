import Kernels

/// The immutable part of an int8 weight matrix: the weights packed for the process's int8 GEMM
/// kernels (`Int8GEMMKernels.selected`: centered Int16 pairs, or quads for AVX512_VNNI; only one
/// form is kept), the per-column FP32 scales (`s_w[j] · s_x`), the bias and the calibrated
/// quantization of the input. Built once per weight file and shared by every lane and sibling
/// instance; each of them wraps it in a `QuantizedLinear` with scratch of its own.
final class QuantizedLinearWeights {
    let inputs: Int
    let outputs: Int
    /// The weights for `gemmS8` / `conv2dS8Indirect`; nil when `quads` holds them.
    let pairs: PackedRightS8?
    /// The weights for `gemmU8S8` / `conv2dU8S8`; nil when `pairs` holds them.
    let quads: PackedRightS8x4?
    let columnScale: FloatBuffer
    let bias: FloatBuffer?
    let inverseInputScale: Float
    let inputZeroPoint: Int32
    /// Whether the matrix serves a convolution (`QuantizedLinear.convolve`), which needs block scratch.
    let isConvolution: Bool
    /// Built here (it allocates): the in-place window walk of the convolution this matrix serves.
    let indirect: IndirectConvS8Layout?

    /// `weight` holds `outputs` rows of `inputs` int8 values (depth order of the GEMM), `scales`
    /// one per output; `input` quantizes the values this matrix multiplies.
    init(weight: UnsafePointer<Int8>, scales: [Float], bias: [Float]?, input: QuantizationParameters,
         inputs: Int, outputs: Int, convolution: Conv2DGeometry? = nil,
         kernels: Int8GEMMKernels = Int8GEMMKernels.selected) {
        self.inputs = inputs
        self.outputs = outputs
        switch kernels {
        case .int16Pairs:
            let right = PackedRightS8(depth: inputs, columns: outputs)
            right.pack(transposed: weight, ld: inputs)
            pairs = right
            quads = nil
        case .avx512VNNI:
            pairs = nil
            quads = PackedRightS8x4(transposed: weight, ld: inputs, depth: inputs, columns: outputs)
        }
        columnScale = FloatBuffer(copying: scales.map { $0 * input.scale })
        self.bias = bias.map(FloatBuffer.init(copying:))
        inverseInputScale = 1 / input.scale
        inputZeroPoint = input.zeroPoint
        isConvolution = convolution != nil
        indirect = pairs == nil ? nil
            : convolution.flatMap(IndirectConvS8Layout.init).flatMap { $0.depth == inputs ? $0 : nil }
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
    private let weights: QuantizedLinearWeights
    private let rowCapacity: Int
    private let accumulators: UnsafeMutablePointer<Int32>
    private let scratch: Scratch

    /// What one instance writes while it runs, by kernel family.
    private enum Scratch {
        /// Centered Int16 values (rows or a convolution's image), the packed left operand, and,
        /// for a convolution read in place, the block sums of `conv2dS8Indirect`.
        case pairs(centered: UnsafeMutablePointer<Int16>, left: PackedLeftS8, blockSums: UnsafeMutablePointer<Int32>?)
        /// uint8 rows `paddedDepth` apart (or a convolution's image), and, for a convolution,
        /// `conv2dU8S8`'s blocks.
        case quads(bytes: UnsafeMutablePointer<UInt8>, convolution: ConvolutionU8S8Scratch?)
    }

    /// Scratch for `rowCapacity` rows (and a quantized input of `inputCapacity` values, when a
    /// convolution's image is larger than its rows) around the shared `weights`.
    init(weights: QuantizedLinearWeights, rowCapacity: Int, inputCapacity: Int? = nil) {
        inputs = weights.inputs
        outputs = weights.outputs
        self.weights = weights
        self.rowCapacity = rowCapacity
        accumulators = .allocate(capacity: rowCapacity * outputs)
        if let quads = weights.quads {
            let count = max(rowCapacity * quads.paddedDepth, inputCapacity ?? 0)
            let bytes = UnsafeMutablePointer<UInt8>.allocate(capacity: count)
            bytes.initialize(repeating: 0, count: count)
            scratch = .quads(bytes: bytes, convolution: weights.isConvolution ? ConvolutionU8S8Scratch(for: quads) : nil)
        } else {
            scratch = .pairs(centered: .allocate(capacity: max(inputCapacity ?? 0, rowCapacity * inputs)),
                             left: PackedLeftS8(rows: rowCapacity, depth: inputs),
                             blockSums: weights.indirect == nil ? nil
                                 : .allocate(capacity: indirectConvS8ScratchSize(outputs: outputs)))
        }
    }

    deinit {
        accumulators.deallocate()
        switch scratch {
        case let .pairs(centered, _, blockSums):
            centered.deallocate()
            blockSums?.deallocate()
        case let .quads(bytes, _):
            bytes.deallocate()
        }
    }

    /// `y[i·ldy + j] = act(Σ_p x[i·inputs + p] W[j][p] + b[j] (+ y if accumulate))` for `rows` rows.
    func apply(rows: Int, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, ldy: Int,
               activation: ActivationF32, accumulate: Bool) {
        precondition(rows <= rowCapacity, "int8 matrix sized for \(rowCapacity) rows, asked for \(rows)")
        let w = weights
        switch scratch {
        case let .pairs(centered, left, _):
            quantizeCenteredS16(count: rows * inputs, x: x, inverseScale: w.inverseInputScale,
                                zeroPoint: w.inputZeroPoint, y: centered)
            for i in 0..<rows { left.packRow(i, centered: centered + i * inputs) }
            gemmS8(left: left, right: w.pairs!, rows: rows, c: accumulators, ldc: outputs)
        case let .quads(bytes, _):
            let quads = w.quads!, ld = quads.paddedDepth
            for i in 0..<rows {
                quantizeU8(count: inputs, x: x + i * inputs, inverseScale: w.inverseInputScale,
                           zeroPoint: w.inputZeroPoint, y: bytes + i * ld)
            }
            gemmU8S8(rows: rows, a: bytes, lda: ld, zeroPoint: w.inputZeroPoint, right: quads, c: accumulators,
                     ldc: outputs)
        }
        finish(rows: rows, y: y, ldy: ldy, activation: activation, accumulate: accumulate)
    }

    /// One sample's convolution over geometry `g` (depth order (ky, kx, c)): output `[positions, outputs]`.
    func convolve(_ g: Conv2DGeometry, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, activation: ActivationF32) {
        precondition(g.positions <= rowCapacity && g.windowSize == inputs, "int8 convolution scratch too small")
        let w = weights, imageCount = g.channels * g.height * g.width
        switch scratch {
        case let .quads(bytes, convolution):
            quantizeU8(count: imageCount, x: x, inverseScale: w.inverseInputScale, zeroPoint: w.inputZeroPoint, y: bytes)
            conv2dU8S8(g, image: bytes, zeroPoint: w.inputZeroPoint, right: w.quads!, scratch: convolution!) {
                first, count, acc, ldacc in
                dequantize(rows: count, acc: acc, ldacc: ldacc, activation: activation, y: y + first * outputs)
            }
        case let .pairs(centered, left, blockSums):
            quantizeCenteredS16(count: imageCount, x: x, inverseScale: w.inverseInputScale, zeroPoint: w.inputZeroPoint,
                                y: centered)
            // The windows are read in place when their depth order is the im2col order (no padding taps).
            if let layout = w.indirect, layout.geometry == g, let blockSums {
                conv2dS8Indirect(layout, image: centered, right: w.pairs!, scratch: blockSums) { first, count, acc, ldacc in
                    dequantize(rows: count, acc: acc, ldacc: ldacc, activation: activation, y: y + first * outputs)
                }
                return
            }
            im2colPackLeftS8(g, image: centered, into: left)
            gemmS8(left: left, right: w.pairs!, rows: g.positions, c: accumulators, ldc: outputs)
            finish(rows: g.positions, y: y, ldy: outputs, activation: activation, accumulate: false)
        }
    }

    /// A convolution block's FP32 epilogue: `rows` output positions of sums at `acc`.
    private func dequantize(rows: Int, acc: UnsafePointer<Int32>, ldacc: Int, activation: ActivationF32,
                            y: UnsafeMutablePointer<Float>) {
        dequantizeColumnsF32(rows: rows, columns: outputs, acc: acc, ldacc: ldacc, scale: weights.columnScale.pointer,
                             bias: weights.bias.map { UnsafePointer($0.pointer) }, activation: activation,
                             accumulate: false, y: y, ldy: outputs)
    }

    /// The FP32 epilogue on `accumulators`.
    private func finish(rows: Int, y: UnsafeMutablePointer<Float>, ldy: Int, activation: ActivationF32, accumulate: Bool) {
        let w = weights
        // GELU, tanh and sigmoid run as a separate in-place pass (the same vector functions, so the
        // same bits): inside the dequantization loop they compiled to 128-bit halves behind a
        // per-vector switch, which made attn int8's GELU layer cost more than the FP32 one.
        let separate: Bool
        switch activation {
        case .none, .relu: separate = false
        case .sigmoid, .tanh, .gelu: separate = true
        }
        dequantizeColumnsF32(rows: rows, columns: outputs, acc: accumulators, ldacc: outputs, scale: w.columnScale.pointer,
                             bias: w.bias.map { UnsafePointer($0.pointer) }, activation: separate ? .none : activation,
                             accumulate: accumulate, y: y, ldy: ldy)
        if separate { activation.apply(rows: rows, columns: outputs, x: y, stride: ldy) }
    }
}
