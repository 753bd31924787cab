import Engine

/// The checks a model must pass before it is written and after it is read: model info,
/// architecture, tensors against `architecture.parameters()`, quantization parameters.
enum Validation {
    /// What validation needs to know about a tensor, whether it comes from a file or from memory.
    struct TensorDescription {
        var name: String
        var dtype: ElementType
        var shape: [Int]
        var scales: [Float]
        var zeroPoints: [Int32]
    }

    static let int8Range: ClosedRange<Int32> = -128...127
    /// Activations may be stored as int8 or, for the u8·s8 kernels, as uint8.
    static let activationZeroPointRange: ClosedRange<Int32> = -128...255

    /// Full check of a decoded header against the data section it describes.
    static func check(_ header: Header, data: UnsafeRawBufferPointer, path: String) throws(ModelFileError) {
        try TensorTable.checkLayout(header.tensors, dataSize: data.count, path: path)
        try check(name: header.name, version: header.version, architecture: header.architecture,
                  precision: header.precision, activations: header.activations,
                  tensors: header.tensors.map {
                      TensorDescription(name: $0.name, dtype: $0.dtype, shape: $0.shape,
                                        scales: $0.scales, zeroPoints: $0.zeroPoints)
                  }, path: path)
    }

    /// Checks everything but byte layout; `tensors` must have unique names.
    static func check(name: String, version: Int, architecture: Architecture, precision: Precision,
                      activations: [String: QuantizationParameters], tensors: [TensorDescription],
                      path: String) throws(ModelFileError) {
        try checkModelInfo(name: name, version: version, path: path)
        let parameters: [Architecture.Parameter]
        switch ArchitectureLimits.checkedParameters(of: architecture) {
        case let .success(list): parameters = list
        case let .failure(failure): throw .badArchitecture(path: path, reason: failure.reason)
        }
        var byName: [String: TensorDescription] = [:]
        for tensor in tensors {
            guard byName.updateValue(tensor, forKey: tensor.name) == nil else {
                throw .badTensor(path: path, name: tensor.name, reason: "appears twice in the tensor table")
            }
        }
        var needed = Set<String>()
        for parameter in parameters {
            guard needed.insert(parameter.name).inserted else {
                throw .badArchitecture(path: path, reason: "two layers need a parameter named \(parameter.name)")
            }
            guard let tensor = byName[parameter.name] else {
                throw .missingTensor(path: path, name: parameter.name, shape: parameter.shape)
            }
            guard tensor.shape == parameter.shape else {
                throw .shapeMismatch(path: path, name: parameter.name, expected: parameter.shape, found: tensor.shape)
            }
            let expected: ElementType = precision == .int8 && isMatrix(parameter.name) ? .int8 : .float32
            guard tensor.dtype == expected else {
                throw .badTensor(path: path, name: tensor.name,
                                 reason: "element type \(tensor.dtype.rawValue), expected \(expected.rawValue) in a \(precision.rawValue) model")
            }
            try checkQuantization(of: tensor, path: path)
        }
        if let extra = tensors.first(where: { !needed.contains($0.name) }) {
            throw .unexpectedTensor(path: path, name: extra.name)
        }
        if precision == .fp32, let point = activations.keys.sorted().first {
            throw .badQuantization(path: path, name: point, reason: "an fp32 model carries activation quantization")
        }
        for (point, parameters) in activations.sorted(by: { $0.key < $1.key }) {
            guard !point.isEmpty else { throw .badQuantization(path: path, name: "\"\"", reason: "empty activation point name") }
            try checkScale(parameters.scale, name: point, path: path)
            guard activationZeroPointRange.contains(parameters.zeroPoint) else {
                throw .badQuantization(path: path, name: point,
                                       reason: "zero point \(parameters.zeroPoint) outside \(activationZeroPointRange)")
            }
        }
    }

    /// Weight matrices are int8 in an int8 model; biases, norms and position tables stay float32.
    static func isMatrix(_ name: String) -> Bool {
        name.hasSuffix(".weight") || name.hasSuffix(".W_ih") || name.hasSuffix(".W_hh")
    }

    static func checkModelInfo(name: String, version: Int, path: String) throws(ModelFileError) {
        let allowed = name.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_")
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
        }
        guard allowed, (1...64).contains(name.utf8.count) else {
            throw .badModelInfo(path: path, reason: "name \"\(name.prefix(80))\" must match [A-Za-z0-9_.-]{1,64}")
        }
        guard version >= 1 else { throw .badModelInfo(path: path, reason: "version \(version) must be at least 1") }
    }

    private static func checkQuantization(of tensor: TensorDescription, path: String) throws(ModelFileError) {
        guard tensor.dtype == .int8 else {
            guard tensor.scales.isEmpty, tensor.zeroPoints.isEmpty else {
                throw .badQuantization(path: path, name: tensor.name,
                                       reason: "a \(tensor.dtype.rawValue) tensor carries scales or zero points")
            }
            return
        }
        let channels = tensor.shape.first ?? 1
        guard tensor.scales.count == channels || tensor.scales.count == 1 else {
            throw .badQuantization(path: path, name: tensor.name,
                                   reason: "expected \(channels) per-channel scales or 1, found \(tensor.scales.count)")
        }
        for scale in tensor.scales { try checkScale(scale, name: tensor.name, path: path) }
        guard tensor.zeroPoints.isEmpty || tensor.zeroPoints.count == tensor.scales.count else {
            throw .badQuantization(path: path, name: tensor.name,
                                   reason: "expected 0 or \(tensor.scales.count) zero points, found \(tensor.zeroPoints.count)")
        }
        if let bad = tensor.zeroPoints.first(where: { !int8Range.contains($0) }) {
            throw .badQuantization(path: path, name: tensor.name, reason: "zero point \(bad) outside \(int8Range)")
        }
    }

    private static func checkScale(_ scale: Float, name: String, path: String) throws(ModelFileError) {
        guard scale.isFinite, scale > 0 else {
            throw .badQuantization(path: path, name: name, reason: "scale \(scale) must be finite and positive")
        }
    }
}
