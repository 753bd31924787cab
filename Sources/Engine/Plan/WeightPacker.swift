import Kernels

/// Everything a model derives from its `WeightSet` (packed matrices, bias and normalization
/// vectors, int8 matrices' shared parts), made once per weight file and shared by every lane of
/// every instance built from it. It holds the `WeightSet` only while the first instance is built;
/// `releaseSource()` then drops it, so a loaded model keeps no raw tensors, and later instances
/// (`Model.makeSibling()`) are built from these entries alone.
final class SharedWeights: @unchecked Sendable {
    let precision: Precision
    private var source: WeightSet?
    /// Written only while `source` is set (the first instance's init, on one thread); read-only
    /// afterwards, so siblings may be built on any thread.
    private var entries: [String: Any] = [:]

    init(_ weights: WeightSet) {
        precision = weights.precision
        source = weights
    }

    /// Drops the raw tensors; from now on every lookup must hit an entry made before.
    func releaseSource() { source = nil }

    /// The entry under `key`, made from the raw weights by `make` on the first lookup.
    func value<T>(_ key: String, _ make: (WeightSet) throws(EngineError) -> T) throws(EngineError) -> T {
        if let hit = entries[key] {
            guard let value = hit as? Entry<T> else { preconditionFailure("shared weight entry \(key) has another type") }
            return value.value
        }
        guard let source else {
            throw .invalidArchitecture("\(key) was not built with the first instance, and its raw weights are released")
        }
        let value = try make(source)
        entries[key] = Entry(value: value)
        return value
    }

    private struct Entry<T> { let value: T }
}

/// One lane's view of the shared weights: FP32 matrices and vectors come back shared; an int8
/// matrix comes back with scratch of its own, sized for `samples` samples per run.
struct WeightPacker {
    let shared: SharedWeights
    /// Samples per run; an int8 matrix's scratch holds this many times the rows one sample gives it.
    let samples: Int

    var precision: Precision { shared.precision }

    /// A dense layer's weight and bias; `rowsPerSample` is how many rows of input one sample
    /// gives it (tokens, time steps or 1), which sizes the int8 form's scratch.
    func dense(_ prefix: String, inputs: Int, outputs: Int, rowsPerSample: Int, bias: Bool = true) throws(EngineError) -> PackedWeights {
        try matrix("\(prefix).weight", bias: bias ? "\(prefix).bias" : nil, inputs: inputs, outputs: outputs,
                   rowsPerSample: rowsPerSample)
    }

    /// A matrix `[outputs, inputs]` under an exact name, with an optional bias under another.
    func matrix(_ name: String, bias biasName: String?, inputs: Int, outputs: Int, rowsPerSample: Int) throws(EngineError) -> PackedWeights {
        if precision == .int8 {
            let weights = try shared.value("int8:\(name)") { (w) throws(EngineError) in
                try w.int8Matrix(name, bias: biasName, inputs: inputs, outputs: outputs)
            }
            return PackedWeights(quantized: QuantizedLinear(weights: weights, rowCapacity: samples * rowsPerSample))
        }
        return try shared.value("fp32:\(name)") { (w) throws(EngineError) in
            let values = try w.floats(name, shape: [outputs, inputs])
            let bias = try biasName.map { (n: String) throws(EngineError) in try w.floats(n, shape: [outputs]) }
            return PackedWeights(dense: values, bias: bias, inputs: inputs, outputs: outputs)
        }
    }

    /// An LSTM's FP32 `W_hh` (`[4·hidden, hidden]`) packed for `lstmRecurrentStepF32`.
    func lstmRecurrent(_ name: String, hidden: Int) throws(EngineError) -> FloatBuffer {
        try shared.value("fp32-lstm:\(name)") { (w) throws(EngineError) in
            let values = try w.floats(name, shape: [4 * hidden, hidden])
            let packed = FloatBuffer(count: lstmRecurrentWeightsF32Size(hidden: hidden))
            values.withUnsafeBufferPointer { packLSTMRecurrentWeightsF32(hidden: hidden, weights: $0.baseAddress!, into: packed.pointer) }
            return packed
        }
    }

    /// Dense layers `prefixes` (each `[outputs, inputs]` with a bias) that multiply the same input,
    /// stacked into one matrix of `prefixes.count · outputs` outputs in that order; nil when they
    /// cannot share one (int8 matrices calibrated to different input quantizations).
    func stacked(_ prefixes: [String], inputs: Int, outputs: Int, rowsPerSample: Int) throws(EngineError) -> PackedWeights? {
        let key = prefixes.joined(separator: "+")
        if precision == .int8 {
            let weights = try shared.value("int8-stacked:\(key)") { (w) throws(EngineError) in
                try w.int8Stacked(prefixes, inputs: inputs, outputs: outputs)
            }
            return weights.map { PackedWeights(quantized: QuantizedLinear(weights: $0, rowCapacity: samples * rowsPerSample)) }
        }
        return try shared.value("fp32-stacked:\(key)") { (w) throws(EngineError) in
            var values: [Float] = [], bias: [Float] = []
            for prefix in prefixes {
                values += try w.floats("\(prefix).weight", shape: [outputs, inputs])
                bias += try w.floats("\(prefix).bias", shape: [outputs])
            }
            return PackedWeights(dense: values, bias: bias, inputs: inputs, outputs: prefixes.count * outputs)
        }
    }

    func conv(_ prefix: String, geometry g: Conv2DGeometry, outputs: Int) throws(EngineError) -> PackedWeights {
        if precision == .int8 {
            let weights = try shared.value("int8-conv:\(prefix)") { (w) throws(EngineError) in
                try w.int8Conv(prefix, geometry: g, outputs: outputs)
            }
            return PackedWeights(quantized: QuantizedLinear(weights: weights, rowCapacity: g.positions,
                                                            inputCapacity: g.channels * g.height * g.width + g.windowSize))
        }
        return try shared.value("fp32-conv:\(prefix)") { (w) throws(EngineError) in
            let values = try w.floats("\(prefix).weight", shape: [outputs, g.channels, g.kernelHeight, g.kernelWidth])
            let bias = try w.floats("\(prefix).bias", shape: [outputs])
            return PackedWeights(conv: values, bias: bias, geometry: g, outputs: outputs)
        }
    }

    /// A read-only FP32 vector (bias, LayerNorm gamma or beta).
    func vector(_ name: String, count: Int) throws(EngineError) -> FloatBuffer {
        try table(name, shape: [count])
    }

    /// A read-only FP32 table (e.g. the position embedding).
    func table(_ name: String, shape: [Int]) throws(EngineError) -> FloatBuffer {
        try shared.value("floats:\(name)") { (w) throws(EngineError) in FloatBuffer(copying: try w.floats(name, shape: shape)) }
    }

    /// The calibrated quantization of the values int8 weight `name` multiplies.
    func inputQuantization(of name: String) throws(EngineError) -> QuantizationParameters {
        try shared.value("input-quantization:\(name)") { (w) throws(EngineError) in try w.inputQuantization(of: name) }
    }
}
