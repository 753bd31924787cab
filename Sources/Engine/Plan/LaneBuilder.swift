import Kernels

/// Turns layers into steps, tracking the per-sample shape and whether the current value is stored
/// channels-last (conv and pooling produce `[H, W, C]`; other layers need the standard layout,
/// so a conversion step is inserted before them).
struct LaneBuilder {
    private(set) var steps: [Step] = []
    private var shape: [Int]
    private var channelsLast = false
    private let packer: WeightPacker
    private let capacity: Int

    init(architecture: Architecture, packer: WeightPacker, capacity: Int) throws(EngineError) {
        _ = try architecture.layerOutputShapes()
        shape = architecture.inputShape
        self.packer = packer
        self.capacity = capacity
    }

    mutating func add(_ layer: Layer) throws(EngineError) {
        let output = try layer.outputShape(input: shape)
        let point = ActivationPoint(name: layer.name, shape: output)
        switch layer {
        case let .conv2d(conv):
            let g = Conv2DGeometry(channels: shape[0], height: shape[1], width: shape[2],
                                   kernel: (conv.kernel[0], conv.kernel[1]), stride: (conv.stride[0], conv.stride[1]),
                                   padding: (conv.padding[0], conv.padding[1]), channelsLast: channelsLast)
            let weights = try packer.conv(conv.name, geometry: g, outputs: conv.outChannels)
            steps.append(ConvolutionStep(point: ActivationPoint(name: layer.name, shape: output, channelsLast: true),
                                         geometry: g, weights: weights, activation: conv.activation.kernel))
            channelsLast = true
        case let .maxPool2d(pool):
            let g = Conv2DGeometry(channels: shape[0], height: shape[1], width: shape[2],
                                   kernel: (pool.kernel[0], pool.kernel[1]), stride: (pool.stride[0], pool.stride[1]),
                                   channelsLast: channelsLast)
            (steps.last as? ConvolutionStep)?.fusePool(g)
            steps.append(MaxPoolStep(point: ActivationPoint(name: layer.name, shape: output, channelsLast: true), geometry: g))
            channelsLast = true
        case .flatten:
            let pixels = shape.count == 3 ? shape[1] * shape[2] : 1
            steps.append(LayoutStep(point: point, channels: shape.count == 3 ? shape[0] : output[0],
                                    pixels: pixels, transpose: channelsLast))
            channelsLast = false
        case let .dense(dense):
            ensureStandardLayout()
            let inputs = shape.last!
            let rowsPerSample = shape.reduce(1, *) / inputs
            let weights = try packer.dense(dense.name, inputs: inputs, outputs: dense.outFeatures, rowsPerSample: rowsPerSample)
            steps.append(DenseStep(point: point, weights: weights, rowsPerSample: rowsPerSample,
                                   activation: dense.activation.kernel))
        case let .lstm(lstm):
            ensureStandardLayout()
            steps.append(try LSTMStep(point: point, layer: lstm, steps: shape[0], features: shape[1],
                                      packer: packer, capacity: capacity))
        case let .patchEmbedding(patch):
            let g = Conv2DGeometry(channels: shape[0], height: shape[1], width: shape[2], kernel: (patch.patch, patch.patch),
                                   stride: (patch.patch, patch.patch), channelsLast: channelsLast)
            let weights = try packer.conv(patch.name, geometry: g, outputs: patch.dim)
            steps.append(ConvolutionStep(point: point, geometry: g, weights: weights, activation: .none))
            channelsLast = false
        case let .positionEmbedding(name):
            ensureStandardLayout()
            steps.append(PositionEmbeddingStep(point: point, table: try packer.table(name, shape: shape)))
        case let .encoderBlock(block):
            ensureStandardLayout()
            steps.append(try EncoderBlockStep(point: point, layer: block, tokens: shape[0], width: shape[1],
                                              packer: packer, capacity: capacity))
        case let .layerNorm(norm):
            ensureStandardLayout()
            let width = shape.last!
            steps.append(LayerNormStep(point: point, width: width, gamma: try packer.vector("\(norm.name).gamma", count: width),
                                       beta: try packer.vector("\(norm.name).beta", count: width), eps: norm.eps))
        case .meanPool:
            ensureStandardLayout()
            steps.append(MeanPoolStep(point: point, tokens: shape[0]))
        case .softmax:
            ensureStandardLayout()
            steps.append(SoftmaxStep(point: point, width: shape.last!))
        }
        shape = output
    }

    /// int8: the layers at the front of `layers` that run with uint8 activations between them
    /// (see `QuantizedChainStep`) become one step. Returns how many layers it took (0: none).
    mutating func addQuantizedChain(_ layers: ArraySlice<Layer>) throws(EngineError) -> Int {
        guard let chain = try QuantizedChainStep(layers: layers, shape: shape, channelsLast: channelsLast,
                                                 packer: packer, capacity: capacity) else { return 0 }
        steps.append(chain)
        shape = chain.outputShape
        channelsLast = chain.outputChannelsLast
        return chain.layerCount
    }

    /// Leaves the final value in the standard layout; a model with no layers copies its input.
    mutating func finish() {
        ensureStandardLayout()
        if steps.isEmpty {
            steps.append(LayoutStep(point: nil, channels: shape.reduce(1, *), pixels: 1, transpose: false))
        }
    }

    private mutating func ensureStandardLayout() {
        guard channelsLast else { return }
        steps.append(LayoutStep(point: nil, channels: shape[0], pixels: shape[1] * shape[2], transpose: true))
        channelsLast = false
    }
}

extension Activation {
    /// The kernel-level form of this nonlinearity.
    var kernel: ActivationF32 {
        switch self {
        case .none: .none
        case .relu: .relu
        case .sigmoid: .sigmoid
        case .tanh: .tanh
        case .gelu: .gelu
        }
    }
}
