import Kernels

/// A run of int8 layers whose activations stay uint8 from one matrix layer to the next: each
/// Conv2D or Dense requantizes its output in the GEMM epilogue (activation fused) with the
/// calibrated input quantization of the next matrix layer; max pooling and flatten work on the
/// uint8 values in between (exact: quantization is monotonic and flatten a permutation). The first
/// layer reads FP32, the last writes FP32. The result equals the layer-by-layer int8 path (FP32
/// between layers) bit for bit, without its round trips.
///
/// Taken: Conv2D whose geometry `QuantizedConvOp` accepts, MaxPool2D and Flatten after a
/// matrix layer, Dense on the standard layout; at least two matrix layers, first and last ones
/// matrix layers.
final class QuantizedChainStep: Step {
    let point: ActivationPoint?
    let internalPoints: [ActivationPoint]
    let outputCount: Int
    /// Architecture layers this step runs.
    let layerCount: Int
    let outputShape: [Int]
    let outputChannelsLast: Bool
    private let ops: [QuantizedChainOp]
    /// Whether op `i` is a convolution that runs the max pool after it too when nothing observes.
    private let fusedWithPool: [Bool]
    private let ping: UnsafeMutableRawPointer, pong: UnsafeMutableRawPointer
    private let observed: FloatBuffer

    /// Nil when `layers` does not start such a run.
    init?(layers: ArraySlice<Layer>, shape: [Int], channelsLast: Bool, packer: WeightPacker,
          capacity: Int) throws(EngineError) {
        guard packer.precision == .int8 else { return nil }
        let plan = try QuantizedChainPlan(layers: layers, shape: shape, channelsLast: channelsLast)
        guard plan.matrixCount >= 2 else { return nil }
        var ops: [QuantizedChainOp] = []
        var carried: QuantizationParameters?
        for (index, entry) in plan.entries.enumerated() {
            let later = plan.entries[(index + 1)...].first { $0.weightName != nil }
            let output = try later.map { (e: QuantizedChainPlan.Entry) throws(EngineError) in
                try packer.inputQuantization(of: e.weightName!)
            }
            let point = ActivationPoint(name: entry.layer.name, shape: entry.outputShape, channelsLast: entry.outputChannelsLast)
            switch entry.layer {
            case let .conv2d(conv):
                let next = plan.entries.indices.contains(index + 1) ? plan.entries[index + 1] : nil
                let pool: Conv2DGeometry? = if case .maxPool2d = next?.layer { next?.geometry } else { nil }
                ops.append(try QuantizedConvOp(point: point, geometry: entry.geometry!,
                                               packer: packer, prefix: conv.name, outputs: conv.outChannels,
                                               activation: conv.activation.kernel, inputIsFloat: index == 0, output: output,
                                               pool: pool)!)
                carried = output
            case let .dense(dense):
                let inputs = entry.inputShape.last!
                ops.append(try QuantizedDenseOp(point: point, packer: packer, prefix: dense.name, inputs: inputs,
                                                outputs: dense.outFeatures,
                                                rowsPerSample: entry.inputShape.reduce(1, *) / inputs, capacity: capacity,
                                                activation: dense.activation.kernel, inputIsFloat: index == 0,
                                                output: output))
                carried = output
            case .maxPool2d:
                ops.append(QuantizedMaxPoolOp(point: point, geometry: entry.geometry!, quantization: carried!))
            default:
                let input = entry.inputShape
                ops.append(QuantizedFlattenOp(point: point, channels: input.count == 3 ? input[0] : input.reduce(1, *),
                                              pixels: input.count == 3 ? input[1] * input[2] : 1,
                                              transpose: entry.inputChannelsLast, quantization: carried!))
            }
        }
        self.ops = ops
        point = ops.last!.point
        internalPoints = ops.dropLast().map(\.point)
        outputCount = ops.last!.outputCount
        layerCount = plan.entries.count
        outputShape = plan.entries.last!.outputShape
        outputChannelsLast = plan.entries.last!.outputChannelsLast
        fusedWithPool = ops.map { ($0 as? QuantizedConvOp)?.fusesPool ?? false }
        let widest = capacity * (ops.dropLast().map(\.outputCount).max() ?? 1)
        // The in-place convolution reads up to three bytes past an image (into zero weights).
        ping = .allocate(byteCount: widest + 64, alignment: 64)
        pong = .allocate(byteCount: widest + 64, alignment: 64)
        ping.initializeMemory(as: UInt8.self, repeating: 0, count: widest + 64)
        pong.initializeMemory(as: UInt8.self, repeating: 0, count: widest + 64)
        observed = FloatBuffer(count: widest)
    }

    deinit {
        ping.deallocate()
        pong.deallocate()
    }

    func run(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, batch: Int, observe: ActivationObserver) {
        run(x, y, batch: batch, observe: observe, observing: true)
    }

    func run(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, batch: Int, observe: ActivationObserver,
             observing: Bool) {
        var source = UnsafeRawPointer(x)
        var target = ping, spare = pong
        var index = 0
        while index < ops.count {
            let op = ops[index]
            let out = index == ops.count - 1 ? UnsafeMutableRawPointer(y) : target
            if !observing && fusedWithPool[index] {
                // The pool after it is never the chain's last op, so `out` is a chain buffer.
                unsafeDowncast(op, to: QuantizedConvOp.self).runPooled(source, out, batch: batch)
                index += 1
            } else {
                op.run(source, out, batch: batch)
                if observing, let q = op.output { reportDequantized(observe, op, out, q, batch: batch) }
            }
            source = UnsafeRawPointer(out)
            swap(&target, &spare)
            index += 1
        }
    }

    /// Observers see FP32: the uint8 values dequantized, `(q − zeroPoint) · scale`.
    private func reportDequantized(_ observe: ActivationObserver, _ op: QuantizedChainOp, _ values: UnsafeMutableRawPointer,
                                   _ q: QuantizationParameters, batch: Int) {
        let bytes = values.assumingMemoryBound(to: UInt8.self), count = batch * op.outputCount
        for i in 0..<count { observed.pointer[i] = Float(Int32(bytes[i]) - q.zeroPoint) * q.scale }
        report(observe, op.point, observed.pointer, batch: batch)
    }
}

/// Which of `layers` a `QuantizedChainStep` takes, with the shapes and geometries along the way.
struct QuantizedChainPlan {
    struct Entry {
        var layer: Layer
        var inputShape: [Int], outputShape: [Int]
        var inputChannelsLast: Bool, outputChannelsLast: Bool
        var geometry: Conv2DGeometry?
        /// The int8 matrix of a Conv2D or Dense layer.
        var weightName: String?
    }

    private(set) var entries: [Entry] = []
    var matrixCount: Int { entries.count { $0.weightName != nil } }

    init(layers: ArraySlice<Layer>, shape start: [Int], channelsLast start2: Bool) throws(EngineError) {
        var shape = start, channelsLast = start2
        for layer in layers {
            let output = try layer.outputShape(input: shape)
            var entry = Entry(layer: layer, inputShape: shape, outputShape: output, inputChannelsLast: channelsLast,
                              outputChannelsLast: true)
            switch layer {
            case let .conv2d(conv) where shape.count == 3:
                let g = Conv2DGeometry(channels: shape[0], height: shape[1], width: shape[2],
                                       kernel: (conv.kernel[0], conv.kernel[1]), stride: (conv.stride[0], conv.stride[1]),
                                       padding: (conv.padding[0], conv.padding[1]), channelsLast: channelsLast)
                guard QuantizedConvOp.accepts(g) else { break }
                entry.geometry = g
                entry.weightName = "\(conv.name).weight"
            case let .maxPool2d(pool) where !entries.isEmpty && shape.count == 3:
                entry.geometry = Conv2DGeometry(channels: shape[0], height: shape[1], width: shape[2],
                                                kernel: (pool.kernel[0], pool.kernel[1]),
                                                stride: (pool.stride[0], pool.stride[1]), channelsLast: channelsLast)
            case .flatten where !entries.isEmpty:
                entry.outputChannelsLast = false
            case let .dense(dense) where !channelsLast:
                entry.outputChannelsLast = false
                entry.weightName = "\(dense.name).weight"
            default:
                break
            }
            guard entry.geometry != nil || entry.weightName != nil || entry.outputChannelsLast == false,
                  !(entries.isEmpty && entry.weightName == nil) else { break }
            entries.append(entry)
            shape = output
            channelsLast = entry.outputChannelsLast
        }
        while let last = entries.last, last.weightName == nil { entries.removeLast() }
    }
}
