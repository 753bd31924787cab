import FoundationEssentials
import NIOCore

/// Metadata of one model, `GET /v2/models/{name}`: Triton's fields plus inferd's own (`state`,
/// `reason`, `precision`, `file`, `metadata` from the weight file).
struct KServeModelMetadata: Encodable {
    struct TensorMetadata: Encodable {
        var name: String
        var datatype: String
        var shape: [Int]
    }

    var name: String
    var versions: [String]
    var platform: String
    var inputs: [TensorMetadata]
    var outputs: [TensorMetadata]
    var state: String
    var reason: String
    var precision: String
    var file: String
    var metadata: [String: String]

    init(model: ServedModel, entry: ModelIndexEntry?) {
        name = model.name
        versions = [String(model.version)]
        platform = "inferd"
        inputs = [.init(name: ServedModel.inputName, datatype: "FP32", shape: [-1] + model.inputShape)]
        outputs = [.init(name: ServedModel.outputName, datatype: "FP32", shape: [-1] + model.outputShape)]
        state = "READY"
        reason = entry?.reason ?? ""
        precision = model.precision.rawValue
        file = model.path
        metadata = model.metadata
    }
}

/// Server metadata, `GET /v2`.
struct KServeServerMetadata: Encodable {
    var name = "inferd"
    var version = "0.1.0"
    var extensions = ["binary_tensor_data", "model_repository"]
}

enum KServeEncoding {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    /// Encodes any response object as JSON bytes.
    static func json<T: Encodable>(_ value: T, allocator: ByteBufferAllocator) -> ByteBuffer {
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        var buffer = allocator.buffer(capacity: data.count)
        buffer.writeBytes(data)
        return buffer
    }

    /// `{"error": message}`, the KServe error body.
    static func error(_ message: String, allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: message.utf8.count + 16)
        buffer.writeString("{\"error\":")
        writeJSONString(message, to: &buffer)
        buffer.writeString("}")
        return buffer
    }

    /// An infer response. With `binary`, the JSON header is followed by the raw output bytes and
    /// its length is returned for the `Inference-Header-Content-Length` header. The JSON text
    /// before the output values comes from `cache` when the last answer had the same form; the
    /// answer is written into `spare` (taken) when one is given, else into a new buffer.
    static func inferResponse(model: ServedModel, id: String?, batch: Int, output: [Float], binary: Bool,
                              allocator: ByteBufferAllocator, cache: inout InferAnswerCache,
                              spare: inout ByteBuffer?) -> (body: ByteBuffer, headerLength: Int?)
    {
        let capacity = 160 + (binary ? output.count * 4 : output.count * 14)
        var buffer: ByteBuffer
        if spare != nil {
            buffer = spare!
            spare = nil
            buffer.clear(minimumCapacity: capacity)
        } else {
            buffer = allocator.buffer(capacity: capacity)
        }
        cache.writeText(to: &buffer, model: model, id: id, batch: batch, binary: binary) { buffer in
            buffer.writeString("{\"model_name\":")
            writeJSONString(model.name, to: &buffer)
            buffer.writeString(",\"model_version\":\"")
            writeDecimal(model.version, to: &buffer)
            buffer.writeString("\"")
            if let id {
                buffer.writeString(",\"id\":")
                writeJSONString(id, to: &buffer)
            }
            buffer.writeString(outputsPrefix)
            writeDecimal(batch, to: &buffer)
            for size in model.outputShape {
                buffer.writeString(",")
                writeDecimal(size, to: &buffer)
            }
            buffer.writeString("]")
            if binary {
                buffer.writeString(",\"parameters\":{\"binary_data_size\":")
                writeDecimal(output.count * 4, to: &buffer)
                buffer.writeString("}}]}")
            } else {
                buffer.writeString(",\"data\":[")
            }
        }
        if binary {
            let headerLength = buffer.readableBytes
            _ = output.withUnsafeBytes { buffer.writeBytes($0) }
            return (buffer, headerLength)
        }
        for (index, value) in output.enumerated() {
            if index > 0 { buffer.writeString(",") }
            buffer.writeString(value.isFinite ? "\(value)" : "null")
        }
        buffer.writeString("]}]}")
        return (buffer, nil)
    }

    /// The fixed text between the id and the output shape's numbers.
    private static let outputsPrefix = #","outputs":[{"name":"\#(ServedModel.outputName)","datatype":"FP32","shape":["#

    /// Writes `value` in decimal without making a `String` (an interpolated integer costs an
    /// allocation and ~700 instructions; the infer response has four of them).
    static func writeDecimal(_ value: Int, to buffer: inout ByteBuffer) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var magnitude = value.magnitude, start = digits.count
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            if value < 0 { buffer.writeInteger(UInt8(ascii: "-")) }
            buffer.writeBytes(UnsafeBufferPointer(rebasing: digits[start...]))
        }
    }

    /// Writes `text` as a JSON string literal with the escapes JSON requires.
    static func writeJSONString(_ text: String, to buffer: inout ByteBuffer) {
        // Names and ids rarely need an escape: one write instead of one per byte (each ByteBuffer
        // write costs ~150 instructions).
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            buffer.writeInteger(UInt8(ascii: "\""))
            buffer.writeString(text)
            buffer.writeInteger(UInt8(ascii: "\""))
            return
        }
        buffer.writeInteger(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): buffer.writeString("\\\"")
            case UInt8(ascii: "\\"): buffer.writeString("\\\\")
            case 0x0A: buffer.writeString("\\n")
            case 0x0D: buffer.writeString("\\r")
            case 0x09: buffer.writeString("\\t")
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                buffer.writeBytes([UInt8(ascii: "\\"), UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 15)]])
            default: buffer.writeInteger(byte)
            }
        }
        buffer.writeInteger(UInt8(ascii: "\""))
    }
}
