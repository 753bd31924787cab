import Kernels

extension WeightSet {
    /// The int8 form of matrix `name` (`[outputs, inputs]`) with an optional FP32 bias.
    func int8Matrix(_ name: String, bias biasName: String?, inputs: Int, outputs: Int) throws(EngineError) -> QuantizedLinearWeights {
        let (values, scales) = try int8(name, shape: [outputs, inputs])
        let bias = try biasName.map { (n: String) throws(EngineError) in try floats(n, shape: [outputs]) }
        let input = try inputQuantization(of: name)
        return values.withUnsafeBufferPointer { w in
            QuantizedLinearWeights(weight: w.baseAddress!, scales: scales, bias: bias, input: input,
                                   inputs: inputs, outputs: outputs)
        }
    }

    /// int8 matrices `prefixes` stacked along the output axis (see `WeightPacker.stacked`): one
    /// quantization of the shared input serves all of them. Per-channel scales and the Int32 sums
    /// are those of the separate matrices, so every output has the same bits. Nil when the inputs'
    /// calibrated quantizations differ.
    func int8Stacked(_ prefixes: [String], inputs: Int, outputs: Int) throws(EngineError) -> QuantizedLinearWeights? {
        var values: [Int8] = [], scales: [Float] = [], bias: [Float] = []
        var input: QuantizationParameters?
        for prefix in prefixes {
            let name = "\(prefix).weight"
            let (w, s) = try int8(name, shape: [outputs, inputs])
            let q = try inputQuantization(of: name)
            if let input, input != q { return nil }
            input = q
            values += w
            scales += s
            bias += try floats("\(prefix).bias", shape: [outputs])
        }
        guard let input else { return nil }
        return values.withUnsafeBufferPointer { w in
            QuantizedLinearWeights(weight: w.baseAddress!, scales: scales, bias: bias, input: input,
                                   inputs: inputs, outputs: prefixes.count * outputs)
        }
    }

    /// The int8 form of an OIHW convolution weight, reordered to the im2col depth order (ky, kx, c).
    func int8Conv(_ prefix: String, geometry g: Conv2DGeometry, outputs: Int) throws(EngineError) -> QuantizedLinearWeights {
        let name = "\(prefix).weight"
        let (values, scales) = try int8(name, shape: [outputs, g.channels, g.kernelHeight, g.kernelWidth])
        let bias = try floats("\(prefix).bias", shape: [outputs])
        let input = try inputQuantization(of: name)
        let reordered = values.withUnsafeBufferPointer { g.windowOrderedWeights($0.baseAddress!, outputs: outputs) }
        return reordered.withUnsafeBufferPointer { w in
            QuantizedLinearWeights(weight: w.baseAddress!, scales: scales, bias: bias, input: input, inputs: g.windowSize,
                                   outputs: outputs, convolution: g)
        }
    }

    /// The int8 values and per-output-channel scales of parameter `name`, checked against `shape`.
    func int8(_ name: String, shape: [Int]) throws(EngineError) -> (values: [Int8], scales: [Float]) {
        guard let tensor = tensors[name] else { throw .badParameter(name: name, expected: shape, actual: nil) }
        guard case let .int8(values) = tensor.elements else {
            throw .badElementType(name: name, expected: .int8, actual: tensor.elementType)
        }
        guard tensor.shape.reduce(1, *) == shape.reduce(1, *), values.count == shape.reduce(1, *) else {
            throw .badParameter(name: name, expected: shape, actual: tensor.shape)
        }
        guard tensor.scales.count == shape[0], tensor.zeroPoints.allSatisfy({ $0 == 0 }),
              tensor.scales.allSatisfy({ $0.isFinite && $0 > 0 }) else {
            throw .unsupported("int8 parameter \(name): expected \(shape[0]) positive per-channel scales and no zero points, found \(tensor.scales.count) scales")
        }
        return (values, tensor.scales)
    }

    /// The calibrated quantization of the values weight `name` multiplies.
    func inputQuantization(of name: String) throws(EngineError) -> QuantizationParameters {
        guard let q = activations[name] else {
            throw .unsupported("int8 weight \(name) has no calibrated input quantization (activations[\"\(name)\"])")
        }
        guard q.scale.isFinite, q.scale > 0, (0...255).contains(q.zeroPoint) else {
            throw .unsupported("input quantization of \(name): scale \(q.scale), zero point \(q.zeroPoint) (expected scale > 0, zero point 0…255)")
        }
        return q
    }
}
