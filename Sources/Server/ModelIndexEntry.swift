/// One row of `POST /v2/repository/index`, as Triton reports it, plus the file it came from.
public struct ModelIndexEntry: Codable, Equatable, Sendable {
    /// Served model name (from the file; the file name stem when the file cannot be read).
    public var name: String
    /// Version from the file, as a string as Triton does; absent when the file cannot be read.
    public var version: String?
    /// `READY` when this file's model is being served, `UNAVAILABLE` otherwise.
    public var state: String
    /// Why it is not served, or why a newer file did not replace it; empty when all is well.
    public var reason: String
    /// The weight file's path.
    public var file: String

    public init(name: String, version: String?, state: String, reason: String, file: String) {
        self.name = name; self.version = version; self.state = state; self.reason = reason; self.file = file
    }
}

/// What a model name resolves to at one instant.
enum ModelLookup {
    case ready(ServedModel)
    case unavailable(reason: String)
    case unknown
}
