import Kernels

/// Conv2D in an int8 chain: channels-last `[OH·OW, O]` output. Shallow windows (`ShallowConv2DF32`,
/// e.g. a first layer on one channel) run on exact FP32 sums through `conv2dS8Shallow` (with the
/// uint8 requantization fused when it can be); others, where the process runs the AVX512_VNNI
/// kernels (`Int8GEMMKernels.selected`), multiply the uint8 image's windows in quads through
/// `conv2dU8S8`, and otherwise read the centered Int16 image in place through `conv2dS8Indirect`.
/// All give the integer sums of `conv2dS8Reference`, so the output is the same bit for bit.
final class QuantizedConvOp: QuantizedChainOp {
    /// The immutable part, made once per weight file and shared by every lane and sibling.
    final class Weights {
        enum Packed {
            case shallow(ShallowConv2DF32, FloatBuffer)
            case indirect(IndirectConvS8Layout, PackedRightS8)
            case quads(Conv2DGeometry, PackedRightS8x4)
        }

        let packed: Packed
        let input: QuantizationParameters
        let epilogue: QuantizedEpilogue
        /// Set when the shallow kernel requantizes in registers: uint8 output in whole 16-channel
        /// panels, activation none or ReLU. Points into `epilogue`'s buffers.
        let fused: ShallowConvS8Requantization?

        init(_ g: Conv2DGeometry, weights: WeightSet, prefix: String, outputs: Int, activation: ActivationF32,
             output: QuantizationParameters?) throws(EngineError) {
            let name = "\(prefix).weight"
            let (values, scales) = try weights.int8(name, shape: [outputs, g.channels, g.kernelHeight, g.kernelWidth])
            let input = try weights.inputQuantization(of: name)
            self.input = input
            if let shallow = ShallowConv2DF32(g) {
                let buffer = FloatBuffer(count: gemmF32PackedBSize(k: g.windowSize, n: outputs))
                values.withUnsafeBufferPointer {
                    packConv2DWeightsS8AsF32(outChannels: outputs, g, weights: $0.baseAddress!, into: buffer.pointer)
                }
                packed = .shallow(shallow, buffer)
            } else if Int8GEMMKernels.selected == .avx512VNNI {
                let rows = g.windowOrderedWeights(values, outputs: outputs)
                packed = .quads(g, rows.withUnsafeBufferPointer {
                    PackedRightS8x4(transposed: $0.baseAddress!, ld: g.windowSize, depth: g.windowSize, columns: outputs)
                })
            } else {
                let layout = IndirectConvS8Layout(g)!
                let reordered = values.withUnsafeBufferPointer { layout.reorderedWeights($0.baseAddress!, outputs: outputs) }
                let right = PackedRightS8(depth: layout.depth, columns: outputs)
                reordered.withUnsafeBufferPointer { right.pack(transposed: $0.baseAddress!, ld: layout.depth) }
                packed = .indirect(layout, right)
            }
            epilogue = QuantizedEpilogue(columnScale: FloatBuffer(copying: scales.map { $0 * input.scale }),
                                         bias: FloatBuffer(copying: try weights.floats("\(prefix).bias", shape: [outputs])),
                                         activation: activation, output: output)
            fused = Self.fusedRequantization(packed, epilogue, outputs: outputs)
        }

        private static func fusedRequantization(_ packed: Packed, _ e: QuantizedEpilogue,
                                                outputs: Int) -> ShallowConvS8Requantization? {
            guard case .shallow = packed, let output = e.output, outputs % 16 == 0 else { return nil }
            let relu: Bool
            switch e.activation {
            case .none: relu = false
            case .relu: relu = true
            default: return nil
            }
            return ShallowConvS8Requantization(scale: e.columnScale.pointer, bias: e.bias.map { UnsafePointer($0.pointer) },
                                               relu: relu, outputInverseScale: 1 / output.scale,
                                               outputZeroPoint: output.zeroPoint)
        }
    }

    let point: ActivationPoint
    let outputCount: Int
    var output: QuantizationParameters? { weights.epilogue.output }
    private let weights: Weights
    private let inputIsFloat: Bool
    private let outputs: Int
    private let inputCount: Int
    /// This instance's scratch: the image (centered FP32 for the shallow kernel, uint8 for the
    /// quads when the chain's input is FP32, centered Int16 with the indirect kernel's read-past
    /// padding), the shallow kernel's padded copy, and one block of Int32 sums (or the quad
    /// kernel's window rows and sums).
    private let image: UnsafeMutableRawPointer
    private let workspace: FloatBuffer
    private let scratch: UnsafeMutablePointer<Int32>
    private let quadScratch: ConvolutionU8S8Scratch?

    /// Nil when neither kernel takes geometry `g`.
    init?(point: ActivationPoint, geometry g: Conv2DGeometry, packer: WeightPacker, prefix: String, outputs: Int,
          activation: ActivationF32, inputIsFloat: Bool, output: QuantizationParameters?) throws(EngineError) {
        guard Self.accepts(g) else { return nil }
        weights = try packer.shared.value("chain-conv:\(prefix).weight") { (w) throws(EngineError) in
            try Weights(g, weights: w, prefix: prefix, outputs: outputs, activation: activation, output: output)
        }
        self.point = point
        self.inputIsFloat = inputIsFloat
        self.outputs = outputs
        inputCount = g.channels * g.height * g.width
        outputCount = g.positions * outputs
        switch weights.packed {
        case let .shallow(shallow, _):
            image = .allocate(byteCount: 4 * inputCount, alignment: 64)
            workspace = FloatBuffer(count: shallow.workspaceSize)
            quadScratch = nil
        case let .quads(_, right):
            image = .allocate(byteCount: max(1, inputCount), alignment: 64)
            workspace = FloatBuffer(count: 1)
            quadScratch = ConvolutionU8S8Scratch(for: right)
        case let .indirect(layout, _):
            let count = inputCount + layout.imagePadding
            image = .allocate(byteCount: 2 * count, alignment: 64)
            image.initializeMemory(as: Int16.self, repeating: 0, count: count)
            workspace = FloatBuffer(count: 1)
            quadScratch = nil
        }
        // Int32 block sums for the shallow and indirect kernels; the quad kernel keeps its own.
        scratch = .allocate(capacity: quadScratch == nil ? indirectConvS8ScratchSize(outputs: outputs) : 1)
    }

    /// Whether an int8 chain can run a convolution over `g`.
    static func accepts(_ g: Conv2DGeometry) -> Bool {
        ShallowConv2DF32(g) != nil || Int8GEMMKernels.selected == .avx512VNNI || IndirectConvS8Layout(g) != nil
    }

    deinit {
        image.deallocate()
        scratch.deallocate()
    }

    func run(_ x: UnsafeRawPointer, _ y: UnsafeMutableRawPointer, batch: Int) {
        let elementSize = output == nil ? 4 : 1, outputs = outputs, epilogue = weights.epilogue, input = weights.input
        for b in 0..<batch {
            let sample = y + b * outputCount * elementSize
            switch weights.packed {
            case let .shallow(shallow, packed):
                let centered = image.assumingMemoryBound(to: Float.self)
                if inputIsFloat {
                    quantizeCenteredF32(count: inputCount, x: x.assumingMemoryBound(to: Float.self) + b * inputCount,
                                        inverseScale: 1 / input.scale, zeroPoint: input.zeroPoint, y: centered)
                } else {
                    centerU8AsF32(count: inputCount, x: x.assumingMemoryBound(to: UInt8.self) + b * inputCount,
                                  zeroPoint: input.zeroPoint, y: centered)
                }
                if let fused = weights.fused {
                    conv2dS8ShallowU8(shallow, image: centered, packedWeights: packed.pointer, outputs: outputs,
                                      requantization: fused, workspace: workspace.pointer,
                                      y: sample.assumingMemoryBound(to: UInt8.self))
                    continue
                }
                conv2dS8Shallow(shallow, image: centered, packedWeights: packed.pointer, outputs: outputs,
                                workspace: workspace.pointer, scratch: scratch) { first, count, acc, ldacc in
                    epilogue.apply(rows: count, columns: outputs, acc: acc, ldacc: ldacc, y: sample, firstRow: first)
                }
            case let .quads(g, right):
                let bytes: UnsafePointer<UInt8>
                if inputIsFloat {
                    let converted = image.assumingMemoryBound(to: UInt8.self)
                    quantizeU8(count: inputCount, x: x.assumingMemoryBound(to: Float.self) + b * inputCount,
                               inverseScale: 1 / input.scale, zeroPoint: input.zeroPoint, y: converted)
                    bytes = UnsafePointer(converted)
                } else {
                    bytes = x.assumingMemoryBound(to: UInt8.self) + b * inputCount
                }
                conv2dU8S8(g, image: bytes, zeroPoint: input.zeroPoint, right: right, scratch: quadScratch!) {
                    first, count, acc, ldacc in
                    epilogue.apply(rows: count, columns: outputs, acc: acc, ldacc: ldacc, y: sample, firstRow: first)
                }
            case let .indirect(layout, right):
                let centered = image.assumingMemoryBound(to: Int16.self)
                if inputIsFloat {
                    quantizeCenteredS16(count: inputCount, x: x.assumingMemoryBound(to: Float.self) + b * inputCount,
                                        inverseScale: 1 / input.scale, zeroPoint: input.zeroPoint, y: centered)
                } else {
                    centerU8(count: inputCount, x: x.assumingMemoryBound(to: UInt8.self) + b * inputCount,
                             zeroPoint: input.zeroPoint, y: centered)
                }
                conv2dS8Indirect(layout, image: centered, right: right, scratch: scratch) { first, count, acc, ldacc in
                    epilogue.apply(rows: count, columns: outputs, acc: acc, ldacc: ldacc, y: sample, firstRow: first)
                }
            }
        }
    }
}
