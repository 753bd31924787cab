import Engine

/// Bounds on architecture hyperparameters, checked before any shape arithmetic so a hostile
/// header cannot overflow an `Int` or ask the engine for gigabytes of activations.
enum ArchitectureLimits {
    static let maxLayers = 1024
    static let maxDimension = 1 << 20
    static let maxWindow = 1 << 12
    /// Largest per-sample activation, in elements (256 MiB of floats).
    static let maxActivationElements = 1 << 26
    /// Most tokens an encoder block attends over, so its T×T attention scores stay bounded.
    static let maxTokens = 1 << 12

    /// The parameters the architecture needs, after checking every hyperparameter and every
    /// intermediate shape; the reason for a failure is one line naming the layer.
    static func checkedParameters(of architecture: Architecture) -> Result<[Architecture.Parameter], Failure> {
        let layers = architecture.layers
        guard !layers.isEmpty, layers.count <= maxLayers else {
            return .failure(.init("expected 1 to \(maxLayers) layers, found \(layers.count)"))
        }
        var shape = architecture.inputShape
        guard (1...4).contains(shape.count), shape.allSatisfy({ (1...maxDimension).contains($0) }),
              elementCount(shape) != nil
        else { return .failure(.init("input shape \(shape) must have 1 to 4 sizes in 1...\(maxDimension)")) }
        var names = Set<String>()
        var parameters: [Architecture.Parameter] = []
        for layer in layers {
            if let problem = problem(in: layer) { return .failure(.init("layer \(layer.name): \(problem)")) }
            guard names.insert(layer.name).inserted else {
                return .failure(.init("layer name \(layer.name) is used twice"))
            }
            if case .encoderBlock = layer, shape.count == 2, shape[0] > maxTokens {
                return .failure(.init("layer \(layer.name): \(shape[0]) tokens, at most \(maxTokens) allowed"))
            }
            parameters += layer.parameters(input: shape)
            do {
                shape = try layer.outputShape(input: shape)
            } catch {
                return .failure(.init(error.description))
            }
            guard shape.allSatisfy({ $0 >= 1 }), elementCount(shape) != nil else {
                return .failure(.init("layer \(layer.name) produces an empty or oversized shape \(shape)"))
            }
        }
        return .success(parameters)
    }

    /// Product of `shape` if every size is positive and the product is at most the activation limit.
    static func elementCount(_ shape: [Int], limit: Int = maxActivationElements) -> Int? {
        var count = 1
        for size in shape {
            guard size >= 1 else { return nil }
            let (product, overflow) = count.multipliedReportingOverflow(by: size)
            guard !overflow, product <= limit else { return nil }
            count = product
        }
        return count
    }

    private static func problem(in layer: Layer) -> String? {
        guard !layer.name.isEmpty, layer.name.utf8.count <= 128 else { return "name must have 1 to 128 bytes" }
        func pairs(_ values: [[Int]], _ range: ClosedRange<Int>) -> Bool {
            values.allSatisfy { $0.count == 2 && $0.allSatisfy(range.contains) }
        }
        let sizes = 1...maxDimension
        switch layer {
        case let .conv2d(l):
            guard sizes.contains(l.outChannels), pairs([l.kernel, l.stride], 1...maxWindow),
                  pairs([l.padding], 0...maxWindow)
            else { return "out channels, kernel, stride or padding out of range" }
        case let .maxPool2d(l):
            guard pairs([l.kernel, l.stride], 1...maxWindow) else { return "kernel or stride out of range" }
        case let .dense(l):
            guard sizes.contains(l.outFeatures) else { return "output size \(l.outFeatures) out of range" }
        case let .lstm(l):
            guard sizes.contains(l.hidden) else { return "hidden size \(l.hidden) out of range" }
        case let .patchEmbedding(l):
            guard (1...maxWindow).contains(l.patch), sizes.contains(l.dim) else { return "patch or width out of range" }
        case let .encoderBlock(l):
            guard sizes.contains(l.heads), sizes.contains(l.mlpHidden), l.eps.isFinite, l.eps > 0
            else { return "heads, MLP width or eps out of range" }
        case let .layerNorm(l):
            guard l.eps.isFinite, l.eps > 0 else { return "eps \(l.eps) must be finite and positive" }
        case .flatten, .positionEmbedding, .meanPool, .softmax:
            break
        }
        return nil
    }

    struct Failure: Error {
        var reason: String
        init(_ reason: String) { self.reason = reason }
    }
}
