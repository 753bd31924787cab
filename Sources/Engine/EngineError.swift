/// Errors raised by the engine, each rendering as one readable line.
public enum EngineError: Error, Equatable, CustomStringConvertible {
    /// The caller passed a tensor whose shape differs from what the model expects.
    case shapeMismatch(expected: [Int], actual: [Int])

    public var description: String {
        switch self {
        case let .shapeMismatch(expected, actual):
            return "input shape \(actual) does not match the expected shape \(expected)"
        }
    }
}
