#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Everything the daemon needs to know to serve. Every knob has a default documented here, in
/// `inferd --help` and in the README; a config file and then flags override the defaults.
public struct ServerConfiguration: Sendable, Equatable {
    /// Path of the Unix socket to bind when no socket is inherited. Default `/run/inferd.sock`.
    public var socketPath: String
    /// Directory whose `*.inferd` weight files are served. Default `/var/lib/inferd/models`.
    public var modelsDirectory: String
    /// Worker threads, each owning its own model instances. Default: the number of online cores.
    public var workers: Int
    /// Largest batch a worker runs at once; 1 (the default) turns batching off. Each worker's model
    /// instances preallocate buffers for this many samples, so it costs memory.
    public var maxBatch: Int
    /// Longest a request may wait for others to join its batch, in microseconds; 0 batches only
    /// what is already queued. Default 0.
    public var batchDelayMicroseconds: Int
    /// After answering, a worker keeps polling its connections for up to this many microseconds
    /// before it sleeps, so a client's next request does not wait for a CPU to wake up (tens of µs
    /// on VMs), but only while requests keep coming within that time of the answers before them.
    /// 0 turns it off; with batching on it is not used. Default 100.
    public var busyPollMicroseconds: Int
    /// Requests that may wait in the queue; more get 503 with Retry-After. Default 256.
    public var queueDepth: Int
    /// Largest request body in bytes; larger bodies get 413. Default 16 MiB.
    public var maxBodyBytes: Int
    /// Open connections at most; more get 503 and are closed. Default 256.
    public var maxConnections: Int
    /// Group that owns the socket file (mode 0660); nil keeps the daemon's group. Default nil.
    public var socketGroup: String?
    /// Peer uids allowed to connect (SO_PEERCRED); with `allowGIDs` empty too, everyone may. Default empty.
    public var allowUIDs: [UInt32]
    /// Peer gids allowed to connect (primary group of the peer). Default empty.
    public var allowGIDs: [UInt32]
    /// Seconds a connection may stay silent before it is closed. Default 60.
    public var idleTimeoutSeconds: Int
    /// Seconds a client may take to send one whole request once it started. Default 30.
    public var requestTimeoutSeconds: Int
    /// Seconds in-flight requests get to finish after SIGTERM. Default 10.
    public var drainTimeoutSeconds: Int
    /// Enables test-only endpoints (`POST /v2/debug/stall-worker`, root peers only). Default false.
    public var testHooks: Bool
    /// Ed25519 public key files; when any are given, only weight files signed by one of them are
    /// served (others are listed as unavailable, naming the signature problem). Default empty.
    public var trustedKeyFiles: [String]

    public init(
        socketPath: String = "/run/inferd.sock",
        modelsDirectory: String = "/var/lib/inferd/models",
        workers: Int = ServerConfiguration.onlineCores,
        maxBatch: Int = 1,
        batchDelayMicroseconds: Int = 0,
        busyPollMicroseconds: Int = 100,
        queueDepth: Int = 256,
        maxBodyBytes: Int = 16 << 20,
        maxConnections: Int = 256,
        socketGroup: String? = nil,
        allowUIDs: [UInt32] = [],
        allowGIDs: [UInt32] = [],
        idleTimeoutSeconds: Int = 60,
        requestTimeoutSeconds: Int = 30,
        drainTimeoutSeconds: Int = 10,
        testHooks: Bool = false,
        trustedKeyFiles: [String] = []
    ) {
        self.socketPath = socketPath
        self.modelsDirectory = modelsDirectory
        self.workers = workers
        self.maxBatch = maxBatch
        self.batchDelayMicroseconds = batchDelayMicroseconds
        self.busyPollMicroseconds = busyPollMicroseconds
        self.queueDepth = queueDepth
        self.maxBodyBytes = maxBodyBytes
        self.maxConnections = maxConnections
        self.socketGroup = socketGroup
        self.allowUIDs = allowUIDs
        self.allowGIDs = allowGIDs
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.requestTimeoutSeconds = requestTimeoutSeconds
        self.drainTimeoutSeconds = drainTimeoutSeconds
        self.testHooks = testHooks
        self.trustedKeyFiles = trustedKeyFiles
    }

    /// Online cores as the OS reports them (at least 1).
    public static var onlineCores: Int {
        max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }

    /// Throws when a value is out of range, naming the knob and the accepted range.
    public func validate() throws(ServerError) {
        func check(_ ok: Bool, _ knob: String, _ rule: String, _ value: Int) throws(ServerError) {
            if !ok { throw .invalidConfiguration("\(knob) must be \(rule), found \(value)") }
        }
        try check((1...256).contains(workers), "workers", "1...256", workers)
        try check((1...1024).contains(maxBatch), "max-batch", "1...1024", maxBatch)
        try check((0...1_000_000).contains(batchDelayMicroseconds), "batch-delay-us", "0...1000000", batchDelayMicroseconds)
        try check((0...10_000).contains(busyPollMicroseconds), "busy-poll-us", "0...10000", busyPollMicroseconds)
        try check(queueDepth >= 1, "queue-depth", ">= 1", queueDepth)
        try check(maxBodyBytes >= 1024, "max-body", ">= 1024", maxBodyBytes)
        try check(maxConnections >= 1, "max-connections", ">= 1", maxConnections)
        // Timeouts become nanosecond counts; a day is far beyond any use and far below overflow.
        try check((1...86_400).contains(idleTimeoutSeconds), "idle-timeout", "1...86400", idleTimeoutSeconds)
        try check((1...86_400).contains(requestTimeoutSeconds), "request-timeout", "1...86400", requestTimeoutSeconds)
        try check((0...86_400).contains(drainTimeoutSeconds), "drain-timeout", "0...86400", drainTimeoutSeconds)
    }
}
