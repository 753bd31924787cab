/// Errors raised by the engine, each rendering as one readable line.
public enum EngineError: Error, Equatable, CustomStringConvertible {
    /// A configuration that cannot be built, with the reason.
    case invalidArchitecture(String)
    /// A parameter tensor is missing or has the wrong shape or element count.
    case badParameter(name: String, expected: [Int], actual: [Int]?)
    /// A run asked for more (or fewer than one) samples than the model was built for.
    case batchOutOfRange(maximum: Int, actual: Int)
    /// A flat buffer holds the wrong number of floats for the batch.
    case elementCountMismatch(buffer: String, expected: Int, actual: Int)
    /// A parameter tensor has an element type the engine cannot use here.
    case badElementType(name: String, expected: ElementType, actual: ElementType)
    /// Something the engine does not (yet) support, with what was asked for.
    case unsupported(String)

    public var description: String {
        switch self {
        case let .invalidArchitecture(why):
            "invalid architecture: \(why)"
        case let .badParameter(name, expected, actual?):
            "parameter \(name) has shape \(actual), expected \(expected)"
        case let .badParameter(name, expected, nil):
            "parameter \(name) of shape \(expected) is missing"
        case let .batchOutOfRange(maximum, actual):
            "batch size \(actual) is outside 1...\(maximum) (the model's maxBatch)"
        case let .elementCountMismatch(buffer, expected, actual):
            "\(buffer) holds \(actual) floats, expected \(expected)"
        case let .badElementType(name, expected, actual):
            "parameter \(name) is \(actual), expected \(expected)"
        case let .unsupported(what):
            "unsupported: \(what)"
        }
    }
}
