extension WeightSet {
    /// Per-channel symmetric int8 weights and activation ranges calibrated by running the FP32 model on `samples`
    /// (flat, sampleCount * product(inputShape) floats).
    ///
    /// Weights: each output channel (axis 0) of every matrix `Architecture.quantizedInputs()` names
    /// gets `scale = max|w| / 127` and `q = round(w / scale)` in −127…127. Activations: the plain
    /// minimum and maximum of each input over all calibration samples, widened to contain 0 so that
    /// zero (ReLU floor, padding) is exact: `scale = (max − min) / 255`, `zeroPoint = round(−min / scale)`.
    /// Min/max rather than a percentile because the calibration inputs are drawn like the served
    /// ones, and the largest activations are the ones that decide the class: clipping them costs
    /// more top-1 agreement than the coarser step costs precision.
    public func quantized(for architecture: Architecture, calibrationSamples samples: [Float],
                          sampleCount: Int) throws(EngineError) -> WeightSet {
        guard precision == .fp32 else { throw .unsupported("quantizing \(precision) weights; expected fp32") }
        let inputCount = architecture.inputShape.reduce(1, *)
        guard sampleCount >= 1, samples.count == sampleCount * inputCount else {
            throw .elementCountMismatch(buffer: "calibration samples (\(sampleCount) of \(architecture.inputShape))",
                                        expected: max(sampleCount, 1) * inputCount, actual: samples.count)
        }
        let inputs = try architecture.quantizedInputs()
        let ranges = try calibrate(architecture, samples: samples, sampleCount: sampleCount,
                                   sources: Set(inputs.map(\.source)))
        var result = WeightSet(precision: .int8, tensors: tensors)
        for input in inputs {
            guard let tensor = tensors[input.weight] else {
                throw .badParameter(name: input.weight, expected: [], actual: nil)
            }
            guard case let .float32(values) = tensor.elements else {
                throw .badElementType(name: input.weight, expected: .float32, actual: tensor.elementType)
            }
            result.tensors[input.weight] = quantizePerChannel(values, shape: tensor.shape)
            guard let range = ranges[input.source] else {
                throw .invalidArchitecture("calibration never observed \(input.source), the input of \(input.weight)")
            }
            result.activations[input.weight] = range.quantization
        }
        return result
    }

    private func calibrate(_ architecture: Architecture, samples: [Float], sampleCount: Int,
                           sources: Set<String>) throws(EngineError) -> [String: ObservedRange] {
        let chunk = min(sampleCount, 32)
        let model = try Model(architecture: architecture, weights: self, maxBatch: chunk)
        var ranges: [String: ObservedRange] = [:]
        var output = [Float](repeating: 0, count: chunk * model.outputShape.reduce(1, *))
        let inputCount = architecture.inputShape.reduce(1, *)
        try samples.withUnsafeBufferPointer { (all) throws(EngineError) in
            ranges[QuantizedInput.modelInput, default: ObservedRange()].include(all)
            var start = 0
            while start < sampleCount {
                let batch = min(chunk, sampleCount - start)
                let slice = UnsafeBufferPointer(rebasing: all[start * inputCount ..< (start + batch) * inputCount])
                try output.withUnsafeMutableBufferPointer { (y) throws(EngineError) in
                    try model.run(input: slice, batch: batch, output: y) { point, values in
                        if sources.contains(point.name) { ranges[point.name, default: ObservedRange()].include(values) }
                    }
                }
                start += batch
            }
        }
        return ranges
    }
}

/// Per-output-channel symmetric int8 of an FP32 tensor whose axis 0 is the output channel.
func quantizePerChannel(_ values: [Float], shape: [Int]) -> Tensor {
    let channels = shape.first ?? 1, width = values.count / max(channels, 1)
    var q = [Int8](repeating: 0, count: values.count)
    var scales = [Float](repeating: 1, count: channels)
    for c in 0..<channels {
        let row = values[c * width ..< (c + 1) * width]
        let largest = row.reduce(Float(0)) { $1.isFinite ? max($0, abs($1)) : $0 }
        let scale = largest > 0 ? largest / 127 : 1
        scales[c] = scale
        for i in row.indices {
            let v = values[i].isFinite ? (values[i] / scale).rounded(.toNearestOrEven) : 0
            q[i] = Int8(max(-127, min(127, v)))
        }
    }
    return Tensor(shape: shape, elements: .int8(q), scales: scales)
}

/// Running minimum and maximum of the finite values seen at one point.
struct ObservedRange {
    var low: Float = 0
    var high: Float = 0

    mutating func include(_ values: UnsafeBufferPointer<Float>) {
        for v in values where v.isFinite {
            low = min(low, v)
            high = max(high, v)
        }
    }

    /// Affine uint8 parameters covering `[low, high]` (which contains 0).
    var quantization: QuantizationParameters {
        let scale = high > low ? (high - low) / 255 : 1
        let zero = (-low / scale).rounded(.toNearestOrEven)
        return QuantizationParameters(scale: scale, zeroPoint: Int32(max(0, min(255, zero))))
    }
}
