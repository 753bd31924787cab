/// Everything the daemon needs to know to serve.
public struct ServerConfiguration: Sendable {
    /// Path of the Unix socket to bind when no socket is inherited.
    public var socketPath: String
    /// Directory whose weight files are served.
    public var modelsDirectory: String

    public init(socketPath: String, modelsDirectory: String) {
        self.socketPath = socketPath
        self.modelsDirectory = modelsDirectory
    }
}
