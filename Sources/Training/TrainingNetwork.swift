import Engine
import Foundation

/// The trainable form of an engine `Architecture` for sub-batches of up to `capacity` samples:
/// the layer list (the final softmax becomes the loss), buffers, and each layer's slice of the
/// flat parameter vector. One instance per worker thread; parameters are shared, gradients not.
final class TrainingNetwork: @unchecked Sendable {
    let layers: [any TrainingLayer]
    let offsets: [Int]
    let parameterCount: Int
    let inputCount: Int
    let classes: Int
    let capacity: Int
    let input: FloatBuffer
    private let logitGradient: FloatBuffer

    init(architecture: Architecture, capacity: Int) throws(TrainingError) {
        self.capacity = capacity
        var shape = architecture.inputShape
        var built: [any TrainingLayer] = []
        var flattenedFrom: [Int]?
        var remaining = architecture.layers
        guard case .softmax = remaining.popLast() else {
            throw .unsupported("the architecture must end in softmax (training minimises cross-entropy on its input)")
        }
        for layer in remaining {
            let next: [Int]
            do { next = try layer.outputShape(input: shape) } catch { throw .engine(error) }
            switch layer {
            case let .conv2d(l):
                built.append(Conv2DTrainer(name: l.name, input: shape, outChannels: l.outChannels, kernel: l.kernel,
                                           stride: l.stride, padding: l.padding, activation: l.activation, capacity: capacity))
            case let .maxPool2d(l):
                built.append(MaxPoolTrainer(input: shape, kernel: l.kernel, stride: l.stride, capacity: capacity))
            case .flatten:
                flattenedFrom = shape.count == 3 ? shape : nil
            case let .dense(l):
                guard [.none, .relu, .gelu].contains(l.activation) else {
                    throw .unsupported("dense activation \(l.activation.rawValue) in \(l.name)")
                }
                let rows = shape.dropLast().reduce(1, *)
                built.append(DenseTrainer(name: l.name, rows: rows, inFeatures: shape.last!, outFeatures: l.outFeatures,
                                          activation: l.activation, flattenedFrom: flattenedFrom, capacity: capacity))
                flattenedFrom = nil
            case let .lstm(l):
                guard !l.returnSequences else { throw .unsupported("LSTM \(l.name) with returnSequences") }
                built.append(LSTMTrainer(name: l.name, steps: shape[0], features: shape[1], hidden: l.hidden, capacity: capacity))
            case let .patchEmbedding(l):
                built.append(Conv2DTrainer(name: l.name, input: shape, outChannels: l.dim, kernel: [l.patch, l.patch],
                                           stride: [l.patch, l.patch], padding: [0, 0], activation: .none, capacity: capacity))
            case let .positionEmbedding(name):
                built.append(PositionEmbeddingTrainer(name: name, tokens: shape[0], width: shape[1], capacity: capacity))
            case let .encoderBlock(l):
                built.append(EncoderBlockTrainer(block: l, tokens: shape[0], width: shape[1], capacity: capacity))
            case let .layerNorm(l):
                built.append(LayerNormTrainer(name: l.name, rows: shape.dropLast().reduce(1, *), width: shape.last!,
                                              eps: l.eps, capacity: capacity))
            case .meanPool:
                built.append(MeanPoolTrainer(tokens: shape[0], width: shape[1], capacity: capacity))
            case .softmax:
                throw .unsupported("softmax \(layer.name) before the last layer")
            }
            shape = next
        }
        layers = built
        var offset = 0
        var offsets: [Int] = []
        for layer in built { offsets.append(offset); offset += layer.parameterCount }
        self.offsets = offsets
        parameterCount = offset
        inputCount = architecture.inputShape.reduce(1, *)
        classes = shape.reduce(1, *)
        input = FloatBuffer(count: capacity * inputCount)
        logitGradient = FloatBuffer(count: capacity * classes)
    }

    /// Runs every layer on `input`; returns the logits (`batch × classes`).
    @discardableResult
    func forward(batch: Int, parameters: UnsafePointer<Float>) -> UnsafeMutablePointer<Float> {
        var x = UnsafePointer(input.pointer)
        for (layer, offset) in zip(layers, offsets) {
            layer.forward(x, batch: batch, parameters: parameters + offset)
            x = UnsafePointer(layer.output)
        }
        return layers.last!.output
    }

    /// Softmax cross-entropy of the last forward pass against targets smoothed by `smoothing`
    /// (`(1 − ε)·onehot + ε/classes`; 0 is the plain one-hot loss): returns the summed loss and the
    /// number of correct predictions; stores `(p − target) · scale` as the gradient for `backward`.
    func loss(labels: UnsafePointer<Int32>, batch: Int, scale: Float, smoothing: Float = 0) -> (loss: Double, correct: Int) {
        let logits = layers.last!.output
        let spread = smoothing / Float(classes), peak = 1 - smoothing
        var total = 0.0, correct = 0
        for n in 0..<batch {
            let row = logits + n * classes, grad = logitGradient.pointer + n * classes
            var best = 0
            for j in 1..<classes where row[j] > row[best] { best = j }
            let label = Int(labels[n])
            if best == label { correct += 1 }
            var sum: Float = 0, logitSum: Float = 0
            for j in 0..<classes { grad[j] = exp(row[j] - row[best]); sum += grad[j]; logitSum += row[j] - row[best] }
            let labelTerm = peak * (row[label] - row[best]) + spread * logitSum
            total += Double(log(sum) - labelTerm)
            for j in 0..<classes { grad[j] = (grad[j] / sum - spread) * scale }
            grad[label] -= peak * scale
        }
        return (total, correct)
    }

    /// 1 for each parameter that weight decay applies to (convolution kernels and weight
    /// matrices), 0 for biases, LayerNorm gains and offsets and position embeddings, which
    /// decay would only pull toward zero without regularising anything.
    func weightDecayMask(architecture: Architecture) -> [Float] {
        precondition(parameterCount < 1 << 24, "parameter indices must be exact in Float")
        let probe = FloatBuffer(count: parameterCount)
        for i in 0..<parameterCount { probe.pointer[i] = Float(i) }
        let embeddings = Set(architecture.layers.compactMap { layer -> String? in
            if case let .positionEmbedding(name) = layer { return name }
            return nil
        })
        var mask = [Float](repeating: 0, count: parameterCount)
        for (name, tensor) in export(probe.pointer) where tensor.shape.count >= 2 && !embeddings.contains(name) {
            guard case let .float32(indices) = tensor.elements else { continue }
            for index in indices { mask[Int(index)] = 1 }
        }
        return mask
    }

    /// Backpropagates the gradient stored by `loss`, adding into `gradients`.
    func backward(batch: Int, parameters: UnsafePointer<Float>, gradients: UnsafeMutablePointer<Float>,
                  inputGradient: Bool = false) {
        var dy = logitGradient.pointer
        for index in layers.indices.reversed() {
            let x = index == 0 ? UnsafePointer(input.pointer) : UnsafePointer(layers[index - 1].output)
            layers[index].backward(x, outputGradient: dy, batch: batch, parameters: parameters + offsets[index],
                                   gradients: gradients + offsets[index], needsInputGradient: index > 0 || inputGradient)
            dy = layers[index].inputGradient
        }
    }

    func initialize(_ parameters: UnsafeMutablePointer<Float>, seed: UInt64) {
        var random = SeededRandom(seed: seed)
        for (layer, offset) in zip(layers, offsets) { layer.initialize(parameters + offset, random: &random) }
    }

    func export(_ parameters: UnsafePointer<Float>) -> [String: Tensor] {
        var tensors: [String: Tensor] = [:]
        for (layer, offset) in zip(layers, offsets) { tensors.merge(layer.export(parameters + offset)) { a, _ in a } }
        return tensors
    }

    func load(_ tensors: [String: Tensor], into parameters: UnsafeMutablePointer<Float>) throws(TrainingError) {
        for (layer, offset) in zip(layers, offsets) { try layer.load(tensors, into: parameters + offset) }
    }
}
