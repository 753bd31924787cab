/// Errors raised by the engine, each rendering as one readable line.
public enum EngineError: Error, Equatable, CustomStringConvertible {
    /// The caller passed a tensor whose shape differs from what the model expects.
    case shapeMismatch(expected: [Int], actual: [Int])
    /// A configuration that cannot be built, with the reason.
    case invalidArchitecture(String)
    /// A parameter tensor is missing or has the wrong shape or element count.
    case badParameter(name: String, expected: [Int], actual: [Int]?)

    public var description: String {
        switch self {
        case let .shapeMismatch(expected, actual):
            "input shape \(actual) does not match the expected shape \(expected)"
        case let .invalidArchitecture(why):
            "invalid architecture: \(why)"
        case let .badParameter(name, expected, actual?):
            "parameter \(name) has shape \(actual), expected \(expected)"
        case let .badParameter(name, expected, nil):
            "parameter \(name) of shape \(expected) is missing"
        }
    }
}
