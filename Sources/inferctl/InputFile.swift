import Foundation

/// Reads an input file: JSON (nested) number arrays, or raw little-endian float32.
enum InputFile {
    struct Failure: Error, CustomStringConvertible { var description: String }

    static func read(_ path: String) throws -> [Float] {
        guard let file = fopen(path, "rb") else { throw Failure(description: "cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { fclose(file) }
        // fopen accepts a directory on Linux; reading it then fails, which would look like an empty file.
        var info = stat()
        if fstat(fileno(file), &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
            throw Failure(description: "\(path) is a directory, not an input file")
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count <= 0 { break }
            bytes += chunk[0..<count]
        }
        if ferror(file) != 0 { throw Failure(description: "cannot read \(path): \(String(cString: strerror(errno)))") }
        if path.hasSuffix(".json") {
            let nested: NestedNumbers
            do { nested = try JSONDecoder().decode(NestedNumbers.self, from: Data(bytes)) } catch {
                throw Failure(description: "\(path) is not a JSON array of numbers: \(error)")
            }
            if let problem = nested.raggedness { throw Failure(description: "\(path): \(problem)") }
            return nested.values
        }
        guard bytes.count % 4 == 0 else { throw Failure(description: "\(path) has \(bytes.count) bytes, not a whole number of float32") }
        return bytes.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }
}

/// A JSON array of numbers or of such arrays, flattened. Rows of different lengths would shift
/// values from one sample into the next once flattened, so the first irregularity is kept to be
/// reported instead.
struct NestedNumbers: Decodable {
    var values: [Float] = []
    /// The lengths along each level of nesting, as the first element at each level has them.
    var shape: [Int] = []
    /// The first element whose nesting differs from its first sibling's: its index path below this
    /// array, and what it is against what the sibling is.
    private var irregularity: (path: [Int], found: String, expected: String)?

    /// The irregularity in words, e.g. "ragged nesting: element [0][27] has 29 values where [0][0] has 28".
    var raggedness: String? {
        guard let irregularity else { return nil }
        let sibling = Array(irregularity.path.dropLast()) + [0]
        return "ragged nesting: element \(Self.format(irregularity.path)) \(irregularity.found)"
            + " where \(Self.format(sibling)) \(irregularity.expected)"
    }

    init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        var index = 0
        var first: [Int]?
        while !container.isAtEnd {
            let shape: [Int]
            if let value = try? container.decode(Float.self) {
                values.append(value)
                shape = []
            } else {
                let child = try container.decode(NestedNumbers.self)
                values += child.values
                shape = child.shape
                if irregularity == nil, let inner = child.irregularity {
                    irregularity = ([index] + inner.path, inner.found, inner.expected)
                }
            }
            if first == nil { first = shape }
            if irregularity == nil, shape != first {
                irregularity = ([index], Self.describe(shape, verb: "is"), Self.describe(first!, verb: "is"))
            }
            index += 1
        }
        shape = [index] + (first ?? [])
    }

    private static func describe(_ shape: [Int], verb: String) -> String {
        switch shape.count {
        case 0: "\(verb) a number"
        case 1: "has \(shape[0]) values"
        default: "has shape \(shape)"
        }
    }

    private static func format(_ path: [Int]) -> String { path.map { "[\($0)]" }.joined() }
}
