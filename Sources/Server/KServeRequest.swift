import FoundationEssentials
import NIOCore

/// The parts of a KServe v2 infer request body inferd reads: JSON tensors, or a JSON header
/// followed by raw little-endian tensor bytes (Triton's binary tensor data extension).
struct KServeInferRequest: Decodable {
    struct Input: Decodable {
        var name: String
        var shape: [Int]
        var datatype: String
        var parameters: [String: ParameterValue]?
        var data: FlatFloats?
    }

    struct Output: Decodable {
        var name: String
        var parameters: [String: ParameterValue]?
    }

    var id: String?
    var parameters: [String: ParameterValue]?
    var inputs: [Input]
    var outputs: [Output]?
}

/// A request parameter value: Triton parameters are booleans, integers or strings.
enum ParameterValue: Decodable, Equatable {
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Int.self) { self = .int(value) }
        else if let value = try? container.decode(Double.self) { self = .double(value) }
        else { self = .string(try container.decode(String.self)) }
    }

    var bool: Bool? { if case let .bool(value) = self { value } else { nil } }
    var int: Int? { if case let .int(value) = self { value } else { nil } }
}

/// Tensor `data` as Triton accepts it: a flat array or arrays nested to any depth, in row-major order.
struct FlatFloats: Decodable {
    var values: [Float] = []

    init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        values.reserveCapacity(container.count ?? 0)
        try Self.append(&container, to: &values, depth: 0)
    }

    private static func append(_ container: inout any UnkeyedDecodingContainer, to values: inout [Float], depth: Int) throws {
        guard depth < 16 else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "data nested deeper than 16 levels")
        }
        while !container.isAtEnd {
            if let value = try? container.decode(Float.self) {
                values.append(value)
            } else {
                var nested = try container.nestedUnkeyedContainer()
                try append(&nested, to: &values, depth: depth + 1)
            }
        }
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
    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return decoder
    }()

    /// Largest batch one request may carry.
    static let maxRequestBatch = 4096

    /// Decodes and validates an infer request body for `model`; every 400 names what was expected.
    static func decode(body: ByteBuffer, headerLength: String?, model: ServedModel) throws(ServerError) -> ValidatedInferRequest {
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
            request = try body.readWithUnsafeReadableBytes { raw in
                (jsonLength, try decoder.decode(KServeInferRequest.self, from: Data(UnsafeRawBufferPointer(rebasing: raw[0..<jsonLength]))))
            }
        } catch let error as DecodingError {
            throw .badRequest("malformed JSON request: \(describe(error))")
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
        let expectedShape = "[-1, \(model.inputShape.map(String.init).joined(separator: ", "))]"
        guard input.shape.count == model.inputShape.count + 1, Array(input.shape.dropFirst()) == model.inputShape,
              let batch = input.shape.first, (1...maxRequestBatch).contains(batch) else {
            throw .badRequest("input '\(input.name)' has shape \(input.shape); expected \(expectedShape) with a batch of 1...\(maxRequestBatch)")
        }
        let count = batch * model.inputCount
        var values: [Float]
        if let size = input.parameters?["binary_data_size"] {
            guard let bytes = size.int, bytes == count * 4 else {
                throw .badRequest("input '\(input.name)' binary_data_size is \(size); shape \(input.shape) needs \(count * 4) bytes of FP32")
            }
            guard body.readableBytes == bytes else {
                throw .badRequest("binary tensor data is \(body.readableBytes) bytes after the JSON header; inputs declare \(bytes)")
            }
            values = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                body.withUnsafeReadableBytes { raw in
                    UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[0..<bytes]))
                }
                initialized = count
            }
        } else {
            guard let data = input.data else {
                throw .badRequest("input '\(input.name)' has neither 'data' nor a binary_data_size parameter")
            }
            guard data.values.count == count else {
                throw .badRequest("input '\(input.name)' has \(data.values.count) elements; shape \(input.shape) needs \(count)")
            }
            guard body.readableBytes == 0 else {
                throw .badRequest("\(body.readableBytes) bytes follow the JSON header, but no input declares binary_data_size")
            }
            values = data.values
        }
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw .badRequest("input '\(input.name)' contains NaN or Inf at flat index \(bad); expected finite FP32 values")
        }
        return ValidatedInferRequest(id: request.id, batch: batch, input: values,
                                     binaryOutput: try wantsBinaryOutput(request, model: model))
    }

    private static func wantsBinaryOutput(_ request: KServeInferRequest, model: ServedModel) throws(ServerError) -> Bool {
        var binary = request.parameters?["binary_data_output"]?.bool ?? false
        for output in request.outputs ?? [] {
            guard output.name == ServedModel.outputName else {
                throw .badRequest("unknown output '\(output.name)'; model '\(model.name)' has output '\(ServedModel.outputName)'")
            }
            if let flag = output.parameters?["binary_data"]?.bool { binary = flag }
        }
        return binary
    }

    /// One line for a decoding error: what was wrong and where.
    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.isEmpty ? "the top level" : "'" + keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".") + "'"
        }
        switch error {
        case let .keyNotFound(key, context): return "missing field '\(key.stringValue)' at \(path(context.codingPath))"
        case let .typeMismatch(type, context): return "field \(path(context.codingPath)) is not of type \(type)"
        case let .valueNotFound(type, context): return "field \(path(context.codingPath)) is null; expected \(type)"
        case let .dataCorrupted(context): return "\(context.debugDescription) at \(path(context.codingPath))"
        @unknown default: return "\(error)"
        }
    }
}
