import Engine

/// Exposes one network's loss and hand-written gradients for checking against finite differences:
/// the mean softmax cross-entropy of a fixed batch as a function of the flat parameter vector and
/// of the input.
public final class GradientProbe {
    private let network: TrainingNetwork
    private let parameters: FloatBuffer
    private let gradients: FloatBuffer
    public let batch: Int
    /// Label smoothing ε of the probed loss.
    public let labelSmoothing: Float

    public init(architecture: Architecture, batch: Int, seed: UInt64, labelSmoothing: Float = 0) throws(TrainingError) {
        network = try TrainingNetwork(architecture: architecture, capacity: batch)
        self.batch = batch
        self.labelSmoothing = labelSmoothing
        parameters = FloatBuffer(count: network.parameterCount)
        gradients = FloatBuffer(count: network.parameterCount)
        network.initialize(parameters.pointer, seed: seed)
        // Small random biases and gains too, so every gradient term is exercised.
        var random = SeededRandom(seed: seed ^ 0xABCDEF)
        for i in 0..<network.parameterCount { parameters.pointer[i] += 0.05 * random.normal() }
    }

    public var parameterCount: Int { network.parameterCount }
    public var inputCount: Int { network.inputCount * batch }

    public func parameter(_ index: Int) -> Float { parameters.pointer[index] }
    public func setParameter(_ index: Int, _ value: Float) { parameters.pointer[index] = value }

    /// Parameter tensor names with their index ranges in the flat vector, in engine names.
    public func parameterRanges() -> [(name: String, range: Range<Int>)] {
        var result: [(String, Range<Int>)] = []
        for (layer, offset) in zip(network.layers, network.offsets) where layer.parameterCount > 0 {
            result.append((String(describing: type(of: layer)) + "@\(offset)", offset..<(offset + layer.parameterCount)))
        }
        return result
    }

    /// Mean (label-smoothed) cross-entropy over the batch.
    public func loss(input: [Float], labels: [Int32]) -> Double {
        input.withUnsafeBufferPointer { network.input.pointer.update(from: $0.baseAddress!, count: $0.count) }
        network.forward(batch: batch, parameters: parameters.pointer)
        return labels.withUnsafeBufferPointer { network.loss(labels: $0.baseAddress!, batch: batch, scale: 0, smoothing: labelSmoothing).loss } / Double(batch)
    }

    /// Gradients of the mean loss with respect to the parameters and to the input.
    public func gradients(input: [Float], labels: [Int32]) -> (parameters: [Float], input: [Float]) {
        input.withUnsafeBufferPointer { network.input.pointer.update(from: $0.baseAddress!, count: $0.count) }
        network.forward(batch: batch, parameters: parameters.pointer)
        _ = labels.withUnsafeBufferPointer { network.loss(labels: $0.baseAddress!, batch: batch, scale: 1 / Float(batch), smoothing: labelSmoothing) }
        gradients.zero()
        network.backward(batch: batch, parameters: parameters.pointer, gradients: gradients.pointer, inputGradient: true)
        let inputGradient = Array(UnsafeBufferPointer(start: network.layers[0].inputGradient, count: inputCount))
        return (Array(UnsafeBufferPointer(start: gradients.pointer, count: parameterCount)), inputGradient)
    }
}
