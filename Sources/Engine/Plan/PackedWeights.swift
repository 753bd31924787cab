import Kernels

/// A layer's weight matrix packed once, at model init, as the GEMM's B operand (`[in][out]` in
/// 16-column panels), with its bias. Immutable after init and shared by every worker lane.
final class PackedWeights {
    let inputs: Int
    let outputs: Int
    let packed: FloatBuffer
    let bias: FloatBuffer?
    /// The int8 form (an int8 `WeightSet`); when present `packed` is unused.
    let quantized: QuantizedLinear?

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
    }

    /// From an OIHW convolution weight, for `conv2dF32` over geometry `g`.
    init(conv weight: [Float], bias: [Float], geometry g: Conv2DGeometry, outputs: Int) {
        inputs = g.windowSize; self.outputs = outputs
        let packed = FloatBuffer(count: gemmF32PackedBSize(k: g.windowSize, n: outputs))
        weight.withUnsafeBufferPointer { w in
            packConv2DWeightsF32(outChannels: outputs, g, weights: w.baseAddress!, into: packed.pointer)
        }
        self.packed = packed
        self.bias = FloatBuffer(copying: bias)
        quantized = nil
    }

    /// An int8 matrix (see `QuantizedLinear`).
    init(quantized: QuantizedLinear) {
        inputs = quantized.inputs; outputs = quantized.outputs
        packed = FloatBuffer(count: 1)
        bias = nil
        self.quantized = quantized
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

/// Builds each parameter's packed form once per model, so worker lanes share weights.
final class WeightPacker {
    let weights: WeightSet
    private var cache: [String: PackedWeights] = [:]

    /// Samples per run; an int8 matrix's scratch holds this many times the rows one sample gives it.
    let samples: Int

    init(weights: WeightSet, samples: Int = 1) { self.weights = weights; self.samples = samples }

    /// A dense layer's weight and bias; `rowsPerSample` is how many rows of input one sample
    /// gives it (tokens, time steps or 1), which sizes the int8 form's scratch.
    func dense(_ prefix: String, inputs: Int, outputs: Int, rowsPerSample: Int, bias: Bool = true) throws(EngineError) -> PackedWeights {
        if let hit = cache[prefix] { return hit }
        if weights.precision == .int8 {
            let packed = try int8Matrix("\(prefix).weight", bias: bias ? "\(prefix).bias" : nil, inputs: inputs, outputs: outputs,
                                        rowCapacity: samples * rowsPerSample)
            cache[prefix] = packed
            return packed
        }
        let w = try weights.floats("\(prefix).weight", shape: [outputs, inputs])
        let b = bias ? try weights.floats("\(prefix).bias", shape: [outputs]) : nil
        let packed = PackedWeights(dense: w, bias: b, inputs: inputs, outputs: outputs)
        cache[prefix] = packed
        return packed
    }

    /// A matrix `[outputs, inputs]` under an exact name, with an optional bias under another.
    func matrix(_ name: String, bias biasName: String?, inputs: Int, outputs: Int, rowsPerSample: Int) throws(EngineError) -> PackedWeights {
        if let hit = cache[name] { return hit }
        if weights.precision == .int8 {
            let packed = try int8Matrix(name, bias: biasName, inputs: inputs, outputs: outputs,
                                        rowCapacity: samples * rowsPerSample)
            cache[name] = packed
            return packed
        }
        let w = try weights.floats(name, shape: [outputs, inputs])
        let b = try biasName.map { (n: String) throws(EngineError) in try weights.floats(n, shape: [outputs]) }
        let packed = PackedWeights(dense: w, bias: b, inputs: inputs, outputs: outputs)
        cache[name] = packed
        return packed
    }

    /// Dense layers `prefixes` (each `[outputs, inputs]` with a bias) that multiply the same input,
    /// stacked into one matrix of `prefixes.count · outputs` outputs in that order; nil when they
    /// cannot share one (int8 matrices calibrated to different input quantizations).
    func stacked(_ prefixes: [String], inputs: Int, outputs: Int, rowsPerSample: Int) throws(EngineError) -> PackedWeights? {
        if weights.precision == .int8 {
            return try int8Stacked(prefixes, inputs: inputs, outputs: outputs, rowCapacity: samples * rowsPerSample)
        }
        var w: [Float] = [], b: [Float] = []
        for prefix in prefixes {
            w += try weights.floats("\(prefix).weight", shape: [outputs, inputs])
            b += try weights.floats("\(prefix).bias", shape: [outputs])
        }
        return PackedWeights(dense: w, bias: b, inputs: inputs, outputs: prefixes.count * outputs)
    }

    func conv(_ prefix: String, geometry g: Conv2DGeometry, outputs: Int) throws(EngineError) -> PackedWeights {
        if let hit = cache[prefix] { return hit }
        if weights.precision == .int8 {
            let packed = try int8Conv(prefix, geometry: g, outputs: outputs)
            cache[prefix] = packed
            return packed
        }
        let w = try weights.floats("\(prefix).weight", shape: [outputs, g.channels, g.kernelHeight, g.kernelWidth])
        let b = try weights.floats("\(prefix).bias", shape: [outputs])
        let packed = PackedWeights(conv: w, bias: b, geometry: g, outputs: outputs)
        cache[prefix] = packed
        return packed
    }

    func vector(_ name: String, count: Int) throws(EngineError) -> FloatBuffer {
        FloatBuffer(copying: try weights.floats(name, shape: [count]))
    }

    func table(_ name: String, shape: [Int]) throws(EngineError) -> FloatBuffer {
        FloatBuffer(copying: try weights.floats(name, shape: shape))
    }
}
