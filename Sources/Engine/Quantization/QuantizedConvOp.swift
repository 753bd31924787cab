import Kernels

/// Conv2D in an int8 chain: channels-last `[OH·OW, O]` output. Where the process runs the
/// AVX512_VNNI kernels (`Int8GEMMKernels.selected`), every convolution reads the uint8 image's
/// windows in place in quads through `conv2dU8S8InPlace` (cnn conv1 included: its three quads per
/// window beat the FP32 shallow kernel). Otherwise shallow windows (`ShallowConv2DF32`, e.g. a
/// first layer on one channel) run on exact FP32 sums through `conv2dS8Shallow` (with the uint8
/// requantization fused when it can be), and others read the centered Int16 image in place through
/// `conv2dS8Indirect`. All give the integer sums of `conv2dS8Reference`, so the output is the same
/// bit for bit. On the in-place path a following max pool can be fused (`fusesPool`): the Int32
/// sums are pooled before the requantization, which is non-decreasing in the sum, so only the
/// pooled positions are requantized, to the same bytes.
final class QuantizedConvOp: QuantizedChainOp {
    /// The immutable part, made once per weight file and shared by every lane and sibling.
    final class Weights {
        enum Packed {
            case shallow(ShallowConv2DF32, FloatBuffer)
            case indirect(IndirectConvS8Layout, PackedRightS8)
            case inPlace(InPlaceConvU8S8Layout, PackedRightS8x4)
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
            if let shallow = ShallowConv2DF32(g), Int8GEMMKernels.selected != .avx512VNNI {
                let buffer = FloatBuffer(count: gemmF32PackedBSize(k: g.windowSize, n: outputs))
                values.withUnsafeBufferPointer {
                    packConv2DWeightsS8AsF32(outChannels: outputs, g, weights: $0.baseAddress!, into: buffer.pointer)
                }
                packed = .shallow(shallow, buffer)
            } else if Int8GEMMKernels.selected == .avx512VNNI {
                let layout = InPlaceConvU8S8Layout(g)
                let rows = values.withUnsafeBufferPointer { layout.windowOrderedWeights($0.baseAddress!, outputs: outputs) }
                packed = .inPlace(layout, rows.withUnsafeBufferPointer {
                    PackedRightS8x4(transposed: $0.baseAddress!, ld: layout.depth, depth: layout.depth, columns: outputs)
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
    /// Whether `runPooled` can stand for this convolution and the max pool after it.
    let fusesPool: Bool
    /// Elements per sample `runPooled` writes.
    let pooledOutputCount: Int
    private let weights: Weights
    private let inputIsFloat: Bool
    private let outputs: Int
    private let inputCount: Int
    /// This instance's scratch: the image (centered FP32 for the shallow kernel, uint8 for the
    /// in-place quads when the chain's input is FP32, centered Int16 with the indirect kernel's
    /// read-past padding), the shallow kernel's padded copy, and one block of Int32 sums (or the
    /// in-place kernel's padded image, whole-layer Int32 sums and pooled sums).
    private let image: UnsafeMutableRawPointer
    private let workspace: FloatBuffer
    private let scratch: UnsafeMutablePointer<Int32>
    private let inPlace: InPlaceScratch?

    /// What the in-place quad path writes while it runs.
    private struct InPlaceScratch {
        /// The padded channels-last copy of the image (`layout.copiesImage`).
        let padded: UnsafeMutablePointer<UInt8>
        /// Int32 sums of every (tiled) position, `ldc` apart.
        let sums: UnsafeMutablePointer<Int32>
        let ldc: Int
        /// The fused pool over the sums (`ldc` values per pixel).
        let pool: Conv2DGeometry?
        /// The layout of the fused path: only the outputs the pool reads (a floor-mode pool drops
        /// a last row or column that no window covers: cnn conv2 computes 100 of 121 positions).
        let pooledLayout: InPlaceConvU8S8Layout?
    }

    /// Nil when neither kernel takes geometry `g`. `pool` is the max pool that follows the
    /// convolution in the chain (over its `[OH, OW, outputs]` output), if any.
    init?(point: ActivationPoint, geometry g: Conv2DGeometry, packer: WeightPacker, prefix: String, outputs: Int,
          activation: ActivationF32, inputIsFloat: Bool, output: QuantizationParameters?,
          pool: Conv2DGeometry? = nil) throws(EngineError) {
        guard Self.accepts(g) else { return nil }
        weights = try packer.shared.value("chain-conv:\(prefix).weight") { (w) throws(EngineError) in
            try Weights(g, weights: w, prefix: prefix, outputs: outputs, activation: activation, output: output)
        }
        self.point = point
        self.inputIsFloat = inputIsFloat
        self.outputs = outputs
        inputCount = g.channels * g.height * g.width
        outputCount = g.positions * outputs
        var fusesPool = false
        switch weights.packed {
        case let .shallow(shallow, _):
            image = .allocate(byteCount: 4 * inputCount, alignment: 64)
            workspace = FloatBuffer(count: shallow.workspaceSize)
            inPlace = nil
        case let .inPlace(layout, right):
            // Only an FP32 input is quantized into `image`; it is read in place too, so it gets the
            // layout's read-past bytes. A uint8 input is read where the chain left it.
            let imageBytes = inputIsFloat ? inputCount + layout.imageBytes : 1
            image = .allocate(byteCount: imageBytes, alignment: 64)
            image.initializeMemory(as: UInt8.self, repeating: 0, count: imageBytes)
            workspace = FloatBuffer(count: 1)
            let padded = UnsafeMutablePointer<UInt8>.allocate(capacity: layout.copiesImage ? layout.imageBytes : 1)
            if layout.copiesImage { layout.initializePaddedBuffer(padded, zeroPoint: weights.input.zeroPoint) }
            let tile = PackedRightS8x4.columnTile, ldc = (right.columns + tile - 1) / tile * tile
            let epilogue = weights.epilogue
            let read = pool.map { p in
                ((p.outputHeight - 1) * p.strideY + p.kernelHeight, (p.outputWidth - 1) * p.strideX + p.kernelWidth)
            }
            let sumsPool = pool.flatMap { p in
                Self.canPool(epilogue, p, outputs: outputs, g: g)
                    ? Conv2DGeometry(channels: ldc, height: read!.0, width: read!.1,
                                     kernel: (p.kernelHeight, p.kernelWidth), stride: (p.strideY, p.strideX),
                                     channelsLast: true) : nil
            }
            fusesPool = sumsPool != nil
            inPlace = InPlaceScratch(padded: padded, sums: .allocate(capacity: layout.tiledPositions * ldc), ldc: ldc,
                                     pool: sumsPool, pooledLayout: sumsPool.map { InPlaceConvU8S8Layout(g, croppedTo: ($0.height, $0.width)) })
        case let .indirect(layout, _):
            let count = inputCount + layout.imagePadding
            image = .allocate(byteCount: 2 * count, alignment: 64)
            image.initializeMemory(as: Int16.self, repeating: 0, count: count)
            workspace = FloatBuffer(count: 1)
            inPlace = nil
        }
        self.fusesPool = fusesPool
        pooledOutputCount = fusesPool ? pool!.positions * outputs : 0
        // Int32 block sums for the shallow and indirect kernels; the in-place path keeps its own.
        scratch = .allocate(capacity: inPlace == nil ? indirectConvS8ScratchSize(outputs: outputs) : 1)
    }

    /// Whether pooling the Int32 sums before the epilogue gives the pooled epilogue output: the
    /// epilogue must be non-decreasing in the sum (non-negative scales, ReLU or no activation,
    /// uint8 output with a positive scale), the pool channels-last over this output, unpadded.
    private static func canPool(_ e: QuantizedEpilogue, _ p: Conv2DGeometry, outputs: Int, g: Conv2DGeometry) -> Bool {
        guard let output = e.output, output.scale > 0, p.channels == outputs, p.height == g.outputHeight,
              p.width == g.outputWidth, p.channelStride == 1, p.padY == 0, p.padX == 0, p.positions > 0 else { return false }
        switch e.activation {
        case .none, .relu: break
        default: return false
        }
        return (0..<outputs).allSatisfy { e.columnScale.pointer[$0] >= 0 }
    }

    /// Whether an int8 chain can run a convolution over `g`.
    static func accepts(_ g: Conv2DGeometry) -> Bool {
        ShallowConv2DF32(g) != nil || Int8GEMMKernels.selected == .avx512VNNI || IndirectConvS8Layout(g) != nil
    }

    deinit {
        image.deallocate()
        scratch.deallocate()
        if let inPlace {
            inPlace.padded.deallocate()
            inPlace.sums.deallocate()
        }
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
            case let .inPlace(layout, right):
                let s = inPlace!
                conv2dU8S8InPlace(layout, image: inPlaceImage(layout, x, sample: b), zeroPoint: input.zeroPoint,
                                  right: right, c: s.sums, ldc: s.ldc) { first, count in
                    epilogue.apply(rows: count, columns: outputs, acc: s.sums + first * s.ldc, ldacc: s.ldc, y: sample,
                                   firstRow: first)
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

    /// The convolution and the max pool after it (`fusesPool`): writes the pool's uint8 output,
    /// `pooledOutputCount` per sample. Pooled rows are pooled and requantized in one pass
    /// (`maxPoolRequantizeS32U8`) as soon as the convolution rows under them are done, while those
    /// sums are still in cache.
    func runPooled(_ x: UnsafeRawPointer, _ y: UnsafeMutableRawPointer, batch: Int) {
        guard case let .inPlace(_, right) = weights.packed, let s = inPlace, let pool = s.pool,
              let layout = s.pooledLayout else {
            preconditionFailure("runPooled without a fused pool")
        }
        let outputs = outputs, epilogue = weights.epilogue, convWidth = layout.outputWidth
        let pooledWidth = pool.outputWidth, pooledHeight = pool.outputHeight, output = epilogue.output!
        let bias = epilogue.bias.map { UnsafePointer($0.pointer) }
        for b in 0..<batch {
            let sample = y.assumingMemoryBound(to: UInt8.self) + b * pooledOutputCount
            var done = 0
            conv2dU8S8InPlace(layout, image: inPlaceImage(layout, x, sample: b), zeroPoint: weights.input.zeroPoint,
                              right: right, c: s.sums, ldc: s.ldc) { first, count in
                let convRows = (first + count) / convWidth
                guard convRows >= pool.kernelHeight else { return }
                let ready = min(pooledHeight, (convRows - pool.kernelHeight) / pool.strideY + 1)
                guard ready > done else { return }
                maxPoolRequantizeS32U8(pool, sums: s.sums, rows: done..<ready, columns: outputs,
                                       scale: epilogue.columnScale.pointer, bias: bias, activation: epilogue.activation,
                                       outputInverseScale: 1 / output.scale, outputZeroPoint: output.zeroPoint,
                                       y: sample + done * pooledWidth * outputs)
                done = ready
            }
        }
    }

    /// Sample `b`'s uint8 image for the in-place kernel: the chain's bytes or the quantized FP32
    /// input, copied with padding when the layout asks for it.
    private func inPlaceImage(_ layout: InPlaceConvU8S8Layout, _ x: UnsafeRawPointer, sample b: Int) -> UnsafePointer<UInt8> {
        let input = weights.input
        let bytes: UnsafePointer<UInt8>
        if inputIsFloat {
            let converted = image.assumingMemoryBound(to: UInt8.self)
            quantizeU8(count: inputCount, x: x.assumingMemoryBound(to: Float.self) + b * inputCount,
                       inverseScale: 1 / input.scale, zeroPoint: input.zeroPoint, y: converted)
            bytes = UnsafePointer(converted)
        } else {
            bytes = x.assumingMemoryBound(to: UInt8.self) + b * inputCount
        }
        return layout.prepare(bytes, buffer: inPlace!.padded)
    }
}
