#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A JSON document (RFC 8259) as read by `JSONValue.parse`. The infer path reads its small request
/// header through this instead of `JSONDecoder`, for two reasons measured here: the `Codable`
/// machinery (generic containers, coding paths, a thrown error per `try?` probe) cost about as much
/// per request as a third of the cnn's own run, and `JSONDecoder` accepts text RFC 8259 forbids
/// (`[1,]`, `01`, `"\x"`) and reports a shape of `[1, 1.5]` as "not valid JSON" without naming the
/// field. `JSONValueTests` holds it to Foundation's `JSONSerialization` as the oracle. Objects keep their members in document order; a repeated key answers with
/// its last value, as `JSONDecoder` does.
package enum JSONValue {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([(key: String, value: JSONValue)])

    /// Deepest nesting of arrays and objects accepted.
    static let maxDepth = 64

    /// Parses `bytes` as one JSON value with nothing but whitespace around it.
    package static func parse(_ bytes: UnsafeRawBufferPointer) throws(JSONSyntaxError) -> JSONValue {
        var reader = JSONReader(bytes: bytes)
        let value = try reader.value(depth: 0)
        reader.skipWhitespace()
        guard reader.offset == bytes.count else { throw reader.unexpected() }
        return value
    }

    /// The member `key` of an object (the last one of that name); nil for a missing key or a non-object.
    package subscript(key: String) -> JSONValue? {
        guard case let .object(members) = self else { return nil }
        return members.last { $0.key == key }?.value
    }

    /// The name of this value's JSON type, for error messages.
    package var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

/// Why a body is not JSON: what was found and at which byte offset.
package struct JSONSyntaxError: Error, CustomStringConvertible {
    package let description: String
}

/// A cursor over the bytes of one document.
private struct JSONReader {
    let bytes: UnsafeRawBufferPointer
    var offset = 0

    init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    mutating func skipWhitespace() {
        while offset < bytes.count {
            switch bytes[offset] {
            case 0x20, 0x09, 0x0A, 0x0D: offset += 1
            default: return
            }
        }
    }

    func unexpected() -> JSONSyntaxError {
        guard offset < bytes.count else { return JSONSyntaxError(description: "unexpected end of input at byte \(offset)") }
        let byte = bytes[offset]
        let shown = (0x21..<0x7F).contains(byte) ? "'\(Character(UnicodeScalar(byte)))'" : "byte 0x\(String(byte, radix: 16))"
        return JSONSyntaxError(description: "unexpected \(shown) at byte \(offset)")
    }

    func invalidUTF8(in stringStart: Int) -> JSONSyntaxError {
        JSONSyntaxError(description: "invalid UTF-8 in the string starting at byte \(stringStart - 1)")
    }

    mutating func value(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        skipWhitespace()
        guard offset < bytes.count else { throw unexpected() }
        switch bytes[offset] {
        case UInt8(ascii: "{"): return try object(depth: depth + 1)
        case UInt8(ascii: "["): return try array(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default: return .number(try number())
        }
    }

    private mutating func object(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = []
        if try open(depth: depth, closing: UInt8(ascii: "}")) { return .object(members) }
        repeat {
            skipWhitespace()
            guard offset < bytes.count, bytes[offset] == UInt8(ascii: "\"") else { throw unexpected() }
            let key = try string()
            skipWhitespace()
            guard offset < bytes.count, bytes[offset] == UInt8(ascii: ":") else { throw unexpected() }
            offset += 1
            members.append((key, try value(depth: depth)))
        } while try !closes(UInt8(ascii: "}"))
        return .object(members)
    }

    private mutating func array(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        var elements: [JSONValue] = []
        if try open(depth: depth, closing: UInt8(ascii: "]")) { return .array(elements) }
        repeat {
            elements.append(try value(depth: depth))
        } while try !closes(UInt8(ascii: "]"))
        return .array(elements)
    }

    /// Steps over the opening bracket; true when the container is empty (its `closing` bracket read too).
    private mutating func open(depth: Int, closing: UInt8) throws(JSONSyntaxError) -> Bool {
        guard depth <= JSONValue.maxDepth else {
            throw JSONSyntaxError(description: "nested deeper than \(JSONValue.maxDepth) levels at byte \(offset)")
        }
        offset += 1
        skipWhitespace()
        guard offset < bytes.count, bytes[offset] == closing else { return false }
        offset += 1
        return true
    }

    /// After a member or element: true when `closing` ends the container, false after a comma.
    private mutating func closes(_ closing: UInt8) throws(JSONSyntaxError) -> Bool {
        skipWhitespace()
        guard offset < bytes.count else { throw unexpected() }
        if bytes[offset] == UInt8(ascii: ",") {
            offset += 1
            return false
        }
        guard bytes[offset] == closing else { throw unexpected() }
        offset += 1
        return true
    }

    private mutating func literal(_ word: StaticString) throws(JSONSyntaxError) {
        let count = word.utf8CodeUnitCount
        guard bytes.count - offset >= count,
              memcmp(bytes.baseAddress! + offset, word.utf8Start, count) == 0 else { throw unexpected() }
        offset += count
    }

    /// A number by the JSON grammar, converted by `strtod` (correctly rounded).
    private mutating func number() throws(JSONSyntaxError) -> Double {
        let start = offset
        func digits(_ reader: inout JSONReader) -> Int {
            let first = reader.offset
            while reader.offset < reader.bytes.count, (0x30...0x39).contains(reader.bytes[reader.offset]) { reader.offset += 1 }
            return reader.offset - first
        }
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "-") { offset += 1 }
        let integerStart = offset
        let integerDigits = digits(&self)
        guard integerDigits > 0, integerDigits == 1 || bytes[integerStart] != UInt8(ascii: "0") else {
            offset = integerDigits > 0 ? integerStart + 1 : integerStart
            throw unexpected()
        }
        if offset < bytes.count, bytes[offset] == UInt8(ascii: ".") {
            offset += 1
            guard digits(&self) > 0 else { throw unexpected() }
        }
        if offset < bytes.count, bytes[offset] | 0x20 == UInt8(ascii: "e") {
            offset += 1
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "+") || bytes[offset] == UInt8(ascii: "-") { offset += 1 }
            guard digits(&self) > 0 else { throw unexpected() }
        }
        let length = offset - start
        let value = withUnsafeTemporaryAllocation(of: CChar.self, capacity: length + 1) { text in
            UnsafeMutableRawBufferPointer(text).copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[start..<offset]))
            text[length] = 0
            return strtod(text.baseAddress!, nil)
        }
        guard value.isFinite else { throw JSONSyntaxError(description: "number out of range at byte \(start)") }
        return value
    }

    /// A string with its escapes resolved (`\uXXXX` including surrogate pairs).
    private mutating func string() throws(JSONSyntaxError) -> String {
        offset += 1
        let start = offset
        var ascii = true
        while offset < bytes.count, bytes[offset] != UInt8(ascii: "\""), bytes[offset] != UInt8(ascii: "\\"), bytes[offset] >= 0x20 {
            if bytes[offset] >= 0x80 { ascii = false }
            offset += 1
        }
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "\"") {
            let raw = UnsafeRawBufferPointer(rebasing: bytes[start..<offset])
            // ASCII needs no validation; `String(validating:)` costs two generic metadata lookups
            // per string (callgrind: ~8,000 instructions per infer request).
            let text = ascii ? String(decoding: raw.assumingMemoryBound(to: UInt8.self), as: UTF8.self)
                : String(validating: raw, as: UTF8.self)
            guard let text else { throw invalidUTF8(in: start) }
            offset += 1
            return text
        }
        var scalars = Array(UnsafeRawBufferPointer(rebasing: bytes[start..<offset]))
        while true {
            guard offset < bytes.count, bytes[offset] >= 0x20 else { throw unexpected() }
            let byte = bytes[offset]
            offset += 1
            if byte == UInt8(ascii: "\"") {
                guard let text = String(validating: scalars, as: UTF8.self) else { throw invalidUTF8(in: start) }
                return text
            }
            guard byte == UInt8(ascii: "\\") else { scalars.append(byte); continue }
            guard offset < bytes.count else { throw unexpected() }
            let escape = bytes[offset]
            offset += 1
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scalars.append(escape)
            case UInt8(ascii: "b"): scalars.append(0x08)
            case UInt8(ascii: "f"): scalars.append(0x0C)
            case UInt8(ascii: "n"): scalars.append(0x0A)
            case UInt8(ascii: "r"): scalars.append(0x0D)
            case UInt8(ascii: "t"): scalars.append(0x09)
            case UInt8(ascii: "u"):
                var code = try hex4()
                if (0xD800..<0xDC00).contains(code), bytes.count - offset >= 6, bytes[offset] == UInt8(ascii: "\\"),
                   bytes[offset + 1] == UInt8(ascii: "u") {
                    offset += 2
                    let low = try hex4()
                    guard (0xDC00..<0xE000).contains(low) else { offset -= 6; throw unexpected() }
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let scalar = UnicodeScalar(code) else {
                    throw JSONSyntaxError(description: "lone UTF-16 surrogate in a \\u escape before byte \(offset)")
                }
                scalars.append(contentsOf: String(scalar).utf8)
            default:
                offset -= 1
                throw unexpected()
            }
        }
    }

    private mutating func hex4() throws(JSONSyntaxError) -> UInt32 {
        var code: UInt32 = 0
        for _ in 0..<4 {
            guard offset < bytes.count, let digit = hexDigit(bytes[offset]) else { throw unexpected() }
            code = code << 4 | digit
            offset += 1
        }
        return code
    }

    private func hexDigit(_ byte: UInt8) -> UInt32? {
        switch byte {
        case 0x30...0x39: UInt32(byte - 0x30)
        case 0x41...0x46: UInt32(byte - 0x41 + 10)
        case 0x61...0x66: UInt32(byte - 0x61 + 10)
        default: nil
        }
    }
}
