/// Why tensor `data` cannot be read as the tensor its input declares.
enum TensorDataError: Error {
    /// An element that is neither a number nor an array (the message names the field).
    case field(RequestFieldError)
    /// Arrays nested other than the shape says: which element, and what was expected of it.
    case nesting(String)
}

extension JSONValue {
    /// Appends the values of tensor `data` of `shape` to `values` in row-major order. The KServe v2
    /// protocol takes "the natural multi-dimensional representation" or "a flattened one-dimensional
    /// representation"; nesting on fewer levels is read the same way, from the outside in: an array
    /// at depth `d` holds `shape[d]` arrays or, where the nesting stops, the product of `shape[d...]`
    /// values. So `[[784 values], [784 values]]` is a `[2, 1, 28, 28]` batch, and a ragged one (783
    /// and 785) is refused instead of read with a pixel moved between samples. The count of flat
    /// data is left to the caller. Besides numbers, the strings "NaN", "Infinity" and "-Infinity".
    func appendTensorData(to values: inout [Float], shape: [Int],
                          at path: @autoclosure () -> String) throws(TensorDataError) {
        guard case .array = self else {
            throw .field(.init("field '\(path())' is \(typeName); expected an array of numbers"))
        }
        try withoutActuallyEscaping(path) { (path) throws(TensorDataError) in
            try appendTensorData(to: &values, shape: shape, depth: 0, path: path, indices: { [] })
        }
    }

    /// The array at `depth`, reached from the top through `indices` (built for error messages only).
    private func appendTensorData(to values: inout [Float], shape: [Int], depth: Int, path: () -> String,
                                  indices: () -> [Int]) throws(TensorDataError) {
        guard case let .array(elements) = self else { return }
        func element(_ index: Int) -> String { Self.name(indices() + [index]) }
        if case .array = elements.first {
            guard depth + 1 < shape.count else {
                throw .nesting("\(element(0)) is an array, deeper than the shape's \(shape.count) dimensions")
            }
            guard elements.count == shape[depth] else {
                throw .nesting("\(Self.name(indices())) has \(elements.count) elements, expected \(shape[depth])")
            }
            for (index, nested) in elements.enumerated() {
                guard case .array = nested else {
                    throw .nesting("\(element(index)) is \(nested.typeName) where \(element(0)) is an array")
                }
                try nested.appendTensorData(to: &values, shape: shape, depth: depth + 1, path: path,
                                            indices: { indices() + [index] })
            }
            return
        }
        if depth > 0 {
            let expected = shape[depth...].reduce(1, *)
            guard elements.count == expected else {
                throw .nesting("\(Self.name(indices())) has \(elements.count) values, expected \(expected)")
            }
        }
        for (index, value) in elements.enumerated() {
            switch value {
            case let .number(number): values.append(Float(number))
            case .string("NaN"): values.append(.nan)
            case .string("Infinity"): values.append(.infinity)
            case .string("-Infinity"): values.append(-.infinity)
            case .array: throw .nesting("\(element(index)) is an array where \(element(0)) is a number")
            default:
                let field = path() + (indices() + [index]).map { ".[\($0)]" }.joined()
                throw .field(.init("field '\(field)' is \(value.typeName); expected a number"))
            }
        }
    }

    /// "data" for the top level, "element [0][3]" below it.
    private static func name(_ indices: [Int]) -> String {
        indices.isEmpty ? "data" : "element " + indices.map { "[\($0)]" }.joined()
    }
}
