extension Layer {
    /// The per-sample output shape for a per-sample input shape, or why the input does not fit.
    public func outputShape(input s: [Int]) throws(EngineError) -> [Int] {
        func fail(_ why: String) -> EngineError { .invalidArchitecture("layer \(name): \(why)") }
        switch self {
        case let .conv2d(l):
            guard s.count == 3 else { throw fail("expects [C, H, W], got \(s)") }
            guard l.kernel.count == 2, l.stride.count == 2, l.padding.count == 2,
                  l.kernel.allSatisfy({ $0 > 0 }), l.stride.allSatisfy({ $0 > 0 }),
                  l.padding.allSatisfy({ $0 >= 0 }), l.outChannels > 0
            else { throw fail("kernel, stride and padding need two positive sizes each") }
            let h = (s[1] + 2 * l.padding[0] - l.kernel[0]) / l.stride[0] + 1
            let w = (s[2] + 2 * l.padding[1] - l.kernel[1]) / l.stride[1] + 1
            guard s[1] + 2 * l.padding[0] >= l.kernel[0], s[2] + 2 * l.padding[1] >= l.kernel[1]
            else { throw fail("kernel \(l.kernel) larger than input \(s)") }
            return [l.outChannels, h, w]
        case let .maxPool2d(l):
            guard s.count == 3 else { throw fail("expects [C, H, W], got \(s)") }
            guard l.kernel.count == 2, l.stride.count == 2,
                  l.kernel.allSatisfy({ $0 > 0 }), l.stride.allSatisfy({ $0 > 0 }),
                  s[1] >= l.kernel[0], s[2] >= l.kernel[1]
            else { throw fail("window \(l.kernel) stride \(l.stride) does not fit input \(s)") }
            return [s[0], (s[1] - l.kernel[0]) / l.stride[0] + 1, (s[2] - l.kernel[1]) / l.stride[1] + 1]
        case .flatten:
            return [s.reduce(1, *)]
        case let .dense(l):
            guard l.outFeatures > 0 else { throw fail("needs a positive output size") }
            return Array(s.dropLast()) + [l.outFeatures]
        case let .lstm(l):
            guard s.count == 2 else { throw fail("expects [T, F], got \(s)") }
            guard l.hidden > 0 else { throw fail("needs a positive hidden size") }
            return l.returnSequences ? [s[0], l.hidden] : [l.hidden]
        case let .patchEmbedding(l):
            guard s.count == 3 else { throw fail("expects [C, H, W], got \(s)") }
            guard l.patch > 0, l.dim > 0, s[1] >= l.patch, s[2] >= l.patch
            else { throw fail("patch \(l.patch) does not fit input \(s)") }
            return [(s[1] / l.patch) * (s[2] / l.patch), l.dim]
        case .positionEmbedding, .layerNorm, .softmax:
            if case .positionEmbedding = self, s.count != 2 { throw fail("expects [T, D], got \(s)") }
            return s
        case let .encoderBlock(l):
            guard s.count == 2 else { throw fail("expects [T, D], got \(s)") }
            guard l.heads > 0, s[1] % l.heads == 0, l.mlpHidden > 0
            else { throw fail("width \(s[1]) must split evenly into \(l.heads) heads") }
            return s
        case .meanPool:
            guard s.count == 2 else { throw fail("expects [T, D], got \(s)") }
            return [s[1]]
        }
    }

    /// The parameter tensors this layer reads, for a per-sample input shape.
    public func parameters(input s: [Int]) -> [Architecture.Parameter] {
        func p(_ role: String, _ shape: [Int]) -> Architecture.Parameter {
            .init(name: "\(name).\(role)", shape: shape)
        }
        let last = s.last ?? 0
        switch self {
        case let .conv2d(l):
            return [p("weight", [l.outChannels, s.first ?? 0] + l.kernel), p("bias", [l.outChannels])]
        case let .dense(l):
            return [p("weight", [l.outFeatures, last]), p("bias", [l.outFeatures])]
        case let .lstm(l):
            return [p("W_ih", [4 * l.hidden, last]), p("W_hh", [4 * l.hidden, l.hidden]), p("bias", [4 * l.hidden])]
        case let .patchEmbedding(l):
            return [p("weight", [l.dim, s.first ?? 0, l.patch, l.patch]), p("bias", [l.dim])]
        case let .positionEmbedding(name):
            return [.init(name: name, shape: s)]
        case let .encoderBlock(l):
            let d = last, m = l.mlpHidden
            return [p("ln_a.gamma", [d]), p("ln_a.beta", [d])]
                + ["q", "k", "v", "o"].flatMap { [p("\($0).weight", [d, d]), p("\($0).bias", [d])] }
                + [p("ln_b.gamma", [d]), p("ln_b.beta", [d]),
                   p("mlp1.weight", [m, d]), p("mlp1.bias", [m]),
                   p("mlp2.weight", [d, m]), p("mlp2.bias", [d])]
        case .layerNorm:
            return [p("gamma", [last]), p("beta", [last])]
        case .maxPool2d, .flatten, .meanPool, .softmax:
            return []
        }
    }
}
