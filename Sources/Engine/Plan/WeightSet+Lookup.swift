extension WeightSet {
    /// The FP32 values of parameter `name`, checked against its expected shape.
    func floats(_ name: String, shape: [Int]) throws(EngineError) -> [Float] {
        guard let tensor = tensors[name] else { throw .badParameter(name: name, expected: shape, actual: nil) }
        guard case let .float32(values) = tensor.elements else {
            throw .badElementType(name: name, expected: .float32, actual: tensor.elementType)
        }
        let count = shape.reduce(1, *)
        guard tensor.shape.reduce(1, *) == count, values.count == count else {
            throw .badParameter(name: name, expected: shape, actual: tensor.shape)
        }
        return values
    }
}
