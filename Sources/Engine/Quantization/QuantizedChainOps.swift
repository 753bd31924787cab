import Kernels

/// One layer of a `QuantizedChainStep`. Reads `x` as FP32 when it is the chain's first layer and as
/// uint8 otherwise; writes uint8 quantized by `output` or, when `output` is nil (the last layer),
/// FP32. Buffers hold whole batches, sample-major.
protocol QuantizedChainOp: AnyObject {
    var point: ActivationPoint { get }
    /// Elements per sample written to `y`.
    var outputCount: Int { get }
    /// The uint8 quantization of the output, nil for FP32 output.
    var output: QuantizationParameters? { get }
    func run(_ x: UnsafeRawPointer, _ y: UnsafeMutableRawPointer, batch: Int)
}

/// The int8 layers' shared epilogue: FP32 through `dequantizeColumnsF32`, or uint8 for the next
/// int8 layer through `requantizeColumnsU8` (the same float operations, then quantized).
struct QuantizedEpilogue {
    let columnScale: FloatBuffer
    let bias: FloatBuffer?
    let activation: ActivationF32
    let output: QuantizationParameters?

    func apply(rows: Int, columns: Int, acc: UnsafePointer<Int32>, ldacc: Int, y: UnsafeMutableRawPointer, firstRow: Int) {
        let bias = bias.map { UnsafePointer($0.pointer) }
        if let output {
            requantizeColumnsU8(rows: rows, columns: columns, acc: acc, ldacc: ldacc, scale: columnScale.pointer,
                                bias: bias, activation: activation, outputInverseScale: 1 / output.scale,
                                outputZeroPoint: output.zeroPoint,
                                y: y.assumingMemoryBound(to: UInt8.self) + firstRow * columns, ldy: columns)
        } else {
            dequantizeColumnsF32(rows: rows, columns: columns, acc: acc, ldacc: ldacc, scale: columnScale.pointer,
                                 bias: bias, activation: activation, accumulate: false,
                                 y: y.assumingMemoryBound(to: Float.self) + firstRow * columns, ldy: columns)
        }
    }
}

/// A chain dense layer's int8 matrix: the weights packed as the GEMM's right operand (rows of
/// `depth` values in GEMM depth order) for the process's kernel family, the calibrated
/// quantization of its input, and its epilogue. Immutable; made once per weight file and shared
/// by every lane and sibling instance.
struct QuantizedMatrix {
    /// The weights for `gemmS8`; nil when `quads` holds them.
    let pairs: PackedRightS8?
    /// The weights for `gemmU8S8` (AVX512_VNNI); nil when `pairs` holds them.
    let quads: PackedRightS8x4?
    let outputs: Int
    let input: QuantizationParameters
    let epilogue: QuantizedEpilogue
    let inputIsFloat: Bool

    init(weights: WeightSet, name: String, rows: [Int8], depth: Int, scales: [Float], bias biasName: String,
         activation: ActivationF32, inputIsFloat: Bool, output: QuantizationParameters?) throws(EngineError) {
        let input = try weights.inputQuantization(of: name)
        let outputs = scales.count
        self.outputs = outputs
        switch Int8GEMMKernels.selected {
        case .int16Pairs:
            let right = PackedRightS8(depth: depth, columns: outputs)
            rows.withUnsafeBufferPointer { right.pack(transposed: $0.baseAddress!, ld: depth) }
            (pairs, quads) = (right, nil)
        case .avx512VNNI:
            pairs = nil
            quads = rows.withUnsafeBufferPointer {
                PackedRightS8x4(transposed: $0.baseAddress!, ld: depth, depth: depth, columns: outputs)
            }
        }
        epilogue = QuantizedEpilogue(columnScale: FloatBuffer(copying: scales.map { $0 * input.scale }),
                                     bias: FloatBuffer(copying: try weights.floats(biasName, shape: [scales.count])),
                                     activation: activation, output: output)
        self.input = input
        self.inputIsFloat = inputIsFloat
    }
}

/// Dense on uint8 rows (or FP32 rows, quantized, when first): int8 GEMM, then the epilogue. With
/// the AVX512_VNNI kernels, uint8 rows whose length is a whole number of quads are multiplied in
/// place; others are first copied (or quantized) into rows of `paddedDepth` bytes.
final class QuantizedDenseOp: QuantizedChainOp {
    let point: ActivationPoint
    let outputCount: Int
    var output: QuantizationParameters? { matrix.epilogue.output }
    private let matrix: QuantizedMatrix
    private let left: PackedLeftS8
    private let inputs: Int, rowsPerSample: Int
    private let centered: UnsafeMutablePointer<Int16>
    private let paddedRows: UnsafeMutablePointer<UInt8>
    private let accumulators: UnsafeMutablePointer<Int32>

    init(point: ActivationPoint, packer: WeightPacker, prefix: String, inputs: Int, outputs: Int, rowsPerSample: Int,
         capacity: Int, activation: ActivationF32, inputIsFloat: Bool, output: QuantizationParameters?) throws(EngineError) {
        let name = "\(prefix).weight"
        matrix = try packer.shared.value("chain-dense:\(name)") { (weights) throws(EngineError) in
            let (values, scales) = try weights.int8(name, shape: [outputs, inputs])
            return try QuantizedMatrix(weights: weights, name: name, rows: values, depth: inputs, scales: scales,
                                       bias: "\(prefix).bias", activation: activation, inputIsFloat: inputIsFloat,
                                       output: output)
        }
        self.point = point
        self.inputs = inputs; self.rowsPerSample = rowsPerSample
        outputCount = rowsPerSample * outputs
        let rows = capacity * rowsPerSample
        let quads = matrix.quads
        left = PackedLeftS8(rows: quads == nil ? rows : 1, depth: inputs)
        centered = .allocate(capacity: inputIsFloat && quads == nil ? rows * inputs : 1)
        let padded = quads.map { inputIsFloat || $0.paddedDepth != inputs ? rows * $0.paddedDepth : 1 } ?? 1
        paddedRows = .allocate(capacity: padded)
        paddedRows.initialize(repeating: 0, count: padded)
        accumulators = .allocate(capacity: rows * outputs)
    }

    deinit {
        centered.deallocate()
        paddedRows.deallocate()
        accumulators.deallocate()
    }

    func run(_ x: UnsafeRawPointer, _ y: UnsafeMutableRawPointer, batch: Int) {
        let rows = batch * rowsPerSample, input = matrix.input
        if let quads = matrix.quads {
            let ld = quads.paddedDepth
            var a = UnsafePointer(paddedRows)
            if matrix.inputIsFloat {
                for i in 0..<rows {
                    quantizeU8(count: inputs, x: x.assumingMemoryBound(to: Float.self) + i * inputs,
                               inverseScale: 1 / input.scale, zeroPoint: input.zeroPoint, y: paddedRows + i * ld)
                }
            } else if ld == inputs {
                a = x.assumingMemoryBound(to: UInt8.self)
            } else {
                for i in 0..<rows {
                    (paddedRows + i * ld).update(from: x.assumingMemoryBound(to: UInt8.self) + i * inputs, count: inputs)
                }
            }
            gemmU8S8(rows: rows, a: a, lda: ld, zeroPoint: input.zeroPoint, right: quads, c: accumulators,
                     ldc: matrix.outputs)
        } else {
            if matrix.inputIsFloat {
                quantizeCenteredS16(count: rows * inputs, x: x.assumingMemoryBound(to: Float.self),
                                    inverseScale: 1 / input.scale, zeroPoint: input.zeroPoint, y: centered)
                for i in 0..<rows { left.packRow(i, centered: centered + i * inputs) }
            } else {
                let bytes = x.assumingMemoryBound(to: UInt8.self)
                for i in 0..<rows { left.packRow(i, from: bytes + i * inputs, zeroPoint: input.zeroPoint) }
            }
            gemmS8(left: left, right: matrix.pairs!, rows: rows, c: accumulators, ldc: matrix.outputs)
        }
        matrix.epilogue.apply(rows: rows, columns: matrix.outputs, acc: accumulators, ldacc: matrix.outputs, y: y,
                              firstRow: 0)
    }
}

/// Max pooling on uint8 values, channels-last output; the quantization passes through.
final class QuantizedMaxPoolOp: QuantizedChainOp {
    let point: ActivationPoint
    let outputCount: Int
    let output: QuantizationParameters?
    private let geometry: Conv2DGeometry
    private let inputCount: Int

    init(point: ActivationPoint, geometry: Conv2DGeometry, quantization: QuantizationParameters) {
        self.point = point
        self.geometry = geometry
        output = quantization
        inputCount = geometry.channels * geometry.height * geometry.width
        outputCount = geometry.positions * geometry.channels
    }

    func run(_ x: UnsafeRawPointer, _ y: UnsafeMutableRawPointer, batch: Int) {
        let bytes = x.assumingMemoryBound(to: UInt8.self), out = y.assumingMemoryBound(to: UInt8.self)
        for b in 0..<batch { maxPoolU8(geometry, x: bytes + b * inputCount, y: out + b * outputCount) }
    }
}

/// Flatten on uint8 values: channels-last `[H·W, C]` to `[C·H·W]` when `transpose`, else a copy.
final class QuantizedFlattenOp: QuantizedChainOp {
    let point: ActivationPoint
    let outputCount: Int
    let output: QuantizationParameters?
    private let channels: Int, pixels: Int, transpose: Bool

    init(point: ActivationPoint, channels: Int, pixels: Int, transpose: Bool, quantization: QuantizationParameters) {
        self.point = point
        self.channels = channels; self.pixels = pixels; self.transpose = transpose
        output = quantization
        outputCount = channels * pixels
    }

    func run(_ x: UnsafeRawPointer, _ y: UnsafeMutableRawPointer, batch: Int) {
        copyLayout(x.assumingMemoryBound(to: UInt8.self), y.assumingMemoryBound(to: UInt8.self), batch: batch,
                   channels: channels, pixels: pixels, transpose: transpose)
    }
}
