import Engine

extension WeightSet {
    /// Seeded FP32 weights of the right shapes for any architecture, scaled like a trained model's
    /// (±1/√fan-in for matrices, LayerNorm at identity) so activations stay in a realistic range.
    static func random(for architecture: Architecture, seed: UInt64) throws(EngineError) -> WeightSet {
        var generator = SeededRandom(seed: seed)
        var tensors: [String: Tensor] = [:]
        for parameter in try architecture.parameters() {
            let count = parameter.elementCount
            let values: [Float]
            if parameter.name.hasSuffix(".gamma") {
                values = [Float](repeating: 1, count: count)
            } else if parameter.name.hasSuffix(".beta") {
                values = [Float](repeating: 0, count: count)
            } else {
                let fanIn = parameter.shape.count > 1 ? parameter.shape.dropFirst().reduce(1, *) : 10
                let bound = 1 / Float(fanIn).squareRoot()
                values = (0..<count).map { _ in Float.random(in: -bound..<bound, using: &generator) }
            }
            tensors[parameter.name] = Tensor(shape: parameter.shape, floats: values)
        }
        return WeightSet(precision: .fp32, tensors: tensors)
    }
}

/// `count` seeded values uniform in [0, 1), drawn like the golden fixtures' inputs.
func randomInputs(count: Int, seed: UInt64) -> [Float] {
    var generator = SeededRandom(seed: seed)
    return (0..<count).map { _ in Float.random(in: 0..<1, using: &generator) }
}
