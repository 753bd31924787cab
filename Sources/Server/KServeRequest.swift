import NIOCore

/// The parts of a KServe v2 infer request body inferd reads: JSON tensors, or a JSON header
/// followed by raw little-endian tensor bytes (Triton's binary tensor data extension). Read from a
/// `JSONValue`; every mistake names the field, e.g. "field 'inputs.[0].shape' is not an array of integers".
struct KServeInferRequest {
    struct Input {
        var name: String
        var shape: [Int]
        var datatype: String
        /// `parameters.binary_data_size` as sent (checked against the shape later).
        var binaryDataSize: JSONValue?
        /// `data` as sent, read once the shape is checked (TensorData).
        var data: JSONValue?
    }

    struct Output {
        var name: String
        var binaryData: Bool?
    }

    var id: String?
    var binaryDataOutput: Bool?
    var inputs: [Input]
    var outputs: [Output]?

    init(json: JSONValue) throws(RequestFieldError) {
        guard case .object = json else { throw .init("expected an object at the top level, found \(json.typeName)") }
        id = try Self.optional(json, "id", at: "id") { value, path throws(RequestFieldError) in try value.string(at: path()) }
        binaryDataOutput = try json["parameters"].flatMap { parameters throws(RequestFieldError) in
            try Self.optional(parameters, "binary_data_output", at: "parameters.binary_data_output") { value, path throws(RequestFieldError) in
                try value.bool(at: path())
            }
        }
        guard let inputs = json["inputs"] else { throw .init("missing field 'inputs' at the top level") }
        self.inputs = try inputs.elements(at: "inputs") { input, path throws(RequestFieldError) in
            try Input(json: input, at: path())
        }
        outputs = try json["outputs"].map { outputs throws(RequestFieldError) in
            try outputs.elements(at: "outputs") { output, path throws(RequestFieldError) in
                guard let name = output["name"] else { throw .init("missing field 'name' at '\(path())'") }
                return Output(
                    name: try name.string(at: path() + ".name"),
                    binaryData: try output["parameters"].flatMap { parameters throws(RequestFieldError) in
                        try Self.optional(parameters, "binary_data", at: path() + ".parameters.binary_data") { value, path throws(RequestFieldError) in
                            try value.bool(at: path())
                        }
                    })
            }
        }
    }

    /// `object[key]` converted by `convert`; nil when absent or null (as `decodeIfPresent` treats them).
    static func optional<T>(_ object: JSONValue, _ key: String, at path: @autoclosure () -> String,
                            _ convert: (JSONValue, () -> String) throws(RequestFieldError) -> T) throws(RequestFieldError) -> T? {
        guard let value = object[key] else { return nil }
        if case .null = value { return nil }
        return try withoutActuallyEscaping(path) { (path) throws(RequestFieldError) in try convert(value, path) }
    }
}

extension KServeInferRequest.Input {
    /// More than any model's input takes with its batch dimension; a longer shape is refused before
    /// it is echoed in an error.
    static let mostDimensions = 8

    init(json: JSONValue, at path: @autoclosure () -> String) throws(RequestFieldError) {
        guard case .object = json else { throw .init("field '\(path())' is not an object") }
        func required(_ key: String) throws(RequestFieldError) -> JSONValue {
            guard let value = json[key] else { throw .init("missing field '\(key)' at '\(path())'") }
            return value
        }
        name = try required("name").string(at: path() + ".name")
        shape = try required("shape").elements(at: path() + ".shape") { value, path throws(RequestFieldError) in
            try value.integer(at: path())
        }
        guard shape.count <= Self.mostDimensions else {
            throw .init("field '\(path()).shape' has \(shape.count) dimensions; at most \(Self.mostDimensions)")
        }
        datatype = try required("datatype").string(at: path() + ".datatype")
        binaryDataSize = json["parameters"]?["binary_data_size"]
        data = json["data"]
        if case .null? = data { data = nil }
    }
}

/// A request field of the wrong kind, or missing: one line naming it.
struct RequestFieldError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

extension JSONValue {
    /// A short rendering of a scalar for error messages (containers by their type name).
    var shown: String {
        switch self {
        case .null: "null"
        case let .bool(value): String(value)
        case let .number(value): Int(exactly: value).map(String.init) ?? String(value)
        case let .string(value): "\"\(value.prefix(64))\""
        case .array, .object: typeName
        }
    }

    // Paths are built only for error messages (autoclosures): building them for every field of
    // every request cost ~10,000 instructions per infer request.
    func string(at path: @autoclosure () -> String) throws(RequestFieldError) -> String {
        guard case let .string(value) = self else { throw .init("field '\(path())' is \(typeName); expected a string") }
        return value
    }

    func bool(at path: @autoclosure () -> String) throws(RequestFieldError) -> Bool {
        guard case let .bool(value) = self else { throw .init("field '\(path())' is \(typeName); expected a boolean") }
        return value
    }

    func integer(at path: @autoclosure () -> String) throws(RequestFieldError) -> Int {
        guard case let .number(value) = self, let integer = Int(exactly: value) else {
            throw .init("field '\(path())' is \(typeName); expected an integer")
        }
        return integer
    }

    func elements<T>(at path: @autoclosure () -> String,
                     _ convert: (JSONValue, () -> String) throws(RequestFieldError) -> T) throws(RequestFieldError) -> [T] {
        guard case let .array(elements) = self else { throw .init("field '\(path())' is \(typeName); expected an array") }
        var result: [T] = []
        result.reserveCapacity(elements.count)
        try withoutActuallyEscaping(path) { (path) throws(RequestFieldError) in
            for (index, element) in elements.enumerated() { result.append(try convert(element, { "\(path()).[\(index)]" })) }
        }
        return result
    }
}

/// A request decoded and checked against the model: the flat input and how to answer.
struct ValidatedInferRequest {
    var id: String?
    var batch: Int
    var input: [Float]
    var binaryOutput: Bool
}

enum KServeDecoding {
    /// Largest batch one request may carry.
    static let maxRequestBatch = 4096

    /// Decodes and validates an infer request body for `model`; every 400 names what was expected.
    /// A binary-path header equal to the last one in `headerCache` is not parsed again; binary
    /// tensor data is copied into `inputStorage`'s buffer when it has the right size (it is taken).
    static func decode(body: ByteBuffer, headerLength: String?, model: ServedModel,
                       headerCache: inout InferHeaderCache,
                       inputStorage: inout [Float]) throws(ServerError) -> ValidatedInferRequest {
        var body = body
        let jsonLength: Int
        if let headerLength {
            guard let length = Int(headerLength), length >= 0, length <= body.readableBytes else {
                throw .badRequest("Inference-Header-Content-Length is '\(headerLength)'; expected an integer between 0 and the body size \(body.readableBytes)")
            }
            jsonLength = length
        } else {
            jsonLength = body.readableBytes
        }
        let request: KServeInferRequest
        do {
            func parse(_ text: UnsafeRawBufferPointer) throws -> KServeInferRequest {
                try KServeInferRequest(json: JSONValue.parse(text))
            }
            request = try body.withUnsafeReadableBytes { raw in
                let text = UnsafeRawBufferPointer(rebasing: raw[0..<jsonLength])
                return headerLength == nil ? try parse(text) : try headerCache.request(for: text, decode: parse)
            }
            body.moveReaderIndex(forwardBy: jsonLength)
        } catch let error as JSONSyntaxError {
            throw .badRequest("malformed JSON request: \(error.description)")
        } catch let error as RequestFieldError {
            throw .badRequest("malformed JSON request: \(error.message)")
        } catch {
            throw .badRequest("malformed JSON request: \(error)")
        }
        guard request.inputs.count == 1 else {
            throw .badRequest("expected exactly 1 input named '\(ServedModel.inputName)', found \(request.inputs.count)")
        }
        let input = request.inputs[0]
        guard input.name == ServedModel.inputName else {
            throw .badRequest("unknown input '\(input.name)'; model '\(model.name)' expects input '\(ServedModel.inputName)'")
        }
        guard input.datatype == "FP32" else {
            throw .badRequest("input '\(input.name)' has datatype \(input.datatype); expected FP32")
        }
        guard input.shape.count == model.inputShape.count + 1, input.shape.dropFirst().elementsEqual(model.inputShape),
              let batch = input.shape.first, (1...maxRequestBatch).contains(batch) else {
            throw .badRequest("input '\(input.name)' has shape \(input.shape); expected [-1, \(model.inputShape.map(String.init).joined(separator: ", "))] with a batch of 1...\(maxRequestBatch)")
        }
        let count = batch * model.inputCount
        var values: [Float]
        if let size = input.binaryDataSize {
            guard case let .number(declared) = size, let bytes = Int(exactly: declared), bytes == count * 4 else {
                throw .badRequest("input '\(input.name)' binary_data_size is \(size.shown); shape \(input.shape) needs \(count * 4) bytes of FP32")
            }
            guard body.readableBytes == bytes else {
                throw .badRequest("binary tensor data is \(body.readableBytes) bytes after the JSON header; inputs declare \(bytes)")
            }
            values = []
            swap(&values, &inputStorage)
            if values.count != count { values = [Float](repeating: 0, count: count) }
            values.withUnsafeMutableBytes { target in
                body.withUnsafeReadableBytes { raw in target.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[0..<bytes])) }
            }
        } else {
            guard let data = input.data else {
                throw .badRequest("input '\(input.name)' has neither 'data' nor a binary_data_size parameter")
            }
            values = []
            swap(&values, &inputStorage)
            values.removeAll(keepingCapacity: true)
            values.reserveCapacity(count)
            do throws(TensorDataError) {
                try data.appendTensorData(to: &values, shape: input.shape, at: "inputs.[0].data")
            } catch {
                switch error {
                case let .field(field): throw .badRequest("malformed JSON request: \(field.message)")
                case let .nesting(what): throw .badRequest("input '\(input.name)' data nesting does not match shape \(input.shape): \(what)")
                }
            }
            guard values.count == count else {
                throw .badRequest("input '\(input.name)' has \(values.count) elements; shape \(input.shape) needs \(count)")
            }
            guard body.readableBytes == 0 else {
                throw .badRequest("\(body.readableBytes) bytes follow the JSON header, but no input declares binary_data_size")
            }
        }
        if let bad = values.withUnsafeBufferPointer(Self.firstNonFinite) {
            let overflow = input.data == nil ? "" : " (JSON numbers beyond FP32's ±3.4e38 become Inf)"
            throw .badRequest("input '\(input.name)' contains NaN or Inf at flat index \(bad)\(overflow); expected finite FP32 values")
        }
        return ValidatedInferRequest(id: request.id, batch: batch, input: values,
                                     binaryOutput: try wantsBinaryOutput(request, model: model))
    }

    /// The index of the first NaN or infinity, eight values per step (all exponent bits set);
    /// a per-element `isFinite` scan of a cnn input took ~4,000 instructions per request.
    static func firstNonFinite(_ values: UnsafeBufferPointer<Float>) -> Int? {
        let exponent = SIMD8<UInt32>(repeating: 0x7F80_0000)
        var index = 0
        if let base = values.baseAddress {
            while index + 8 <= values.count {
                let bits = UnsafeRawPointer(base + index).loadUnaligned(as: SIMD8<UInt32>.self)
                if any(bits & exponent .== exponent) { break }
                index += 8
            }
        }
        while index < values.count {
            if !values[index].isFinite { return index }
            index += 1
        }
        return nil
    }

    private static func wantsBinaryOutput(_ request: KServeInferRequest, model: ServedModel) throws(ServerError) -> Bool {
        var binary = request.binaryDataOutput ?? false
        for output in request.outputs ?? [] {
            guard output.name == ServedModel.outputName else {
                throw .badRequest("unknown output '\(output.name)'; model '\(model.name)' has output '\(ServedModel.outputName)'")
            }
            if let flag = output.binaryData { binary = flag }
        }
        return binary
    }
}
