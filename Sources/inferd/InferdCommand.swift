import ArgumentParser
import Logging
import Server
import Systemd

@main
struct InferdCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inferd",
        abstract: "Serves every *.inferd model in a directory over a Unix socket (KServe v2 over HTTP/1.1).",
        discussion: """
            Precedence: flags over the --config file over the defaults shown. Config keys are the flag \
            names (e.g. `workers = 2`, `socket = "/run/inferd.sock"`, `allow-uid = [0]`).
            Signals: SIGHUP reloads the models directory; SIGTERM/SIGINT drain and exit 0.
            Under systemd: Type=notify, watchdog, socket activation (LISTEN_FDS), journald logging.
            """)

    @Option(help: "Unix socket path to bind when not socket-activated. (default: /run/inferd.sock)")
    var socket: String?
    @Option(help: "Directory whose *.inferd weight files are served. (default: /var/lib/inferd/models)")
    var models: String?
    @Option(help: "Config file (TOML with the flag names as keys).")
    var config: String?
    @Option(help: "Worker threads, each with its own model instances. (default: online cores)")
    var workers: Int?
    @Option(help: "Largest batch one worker runs; 1 turns batching off; more costs buffer memory per model and worker. (default: 1)")
    var maxBatch: Int?
    @Option(name: .customLong("batch-delay-us"), help: "Longest wait for a batch to fill, in µs. (default: 0)")
    var batchDelayMicroseconds: Int?
    @Option(name: .customLong("busy-poll-us"),
            help: "After an answer, poll the worker's connections up to this many µs before sleeping, while requests keep arriving within that time of the answers: lower latency on VMs, costs up to that much CPU per answer; 0 turns it off; unused with batching. (default: 100)")
    var busyPollMicroseconds: Int?
    @Option(help: "Requests that may wait; beyond that 503 with Retry-After. (default: 256)")
    var queueDepth: Int?
    @Option(name: .customLong("max-body"), help: "Largest request body in bytes; larger get 413. (default: 16777216)")
    var maxBody: Int?
    @Option(help: "Open connections at most. (default: 256)")
    var maxConnections: Int?
    @Option(help: "Group owning the socket (mode 0660). (default: the daemon's group)")
    var socketGroup: String?
    @Option(name: .customLong("allow-uid"), parsing: .singleValue, help: "Peer uid allowed to connect (repeatable; default: any).")
    var allowUIDs: [UInt32] = []
    @Option(name: .customLong("allow-gid"), parsing: .singleValue, help: "Peer gid allowed to connect (repeatable; default: any).")
    var allowGIDs: [UInt32] = []
    @Option(help: "Seconds a silent connection stays open. (default: 60)")
    var idleTimeout: Int?
    @Option(help: "Seconds a client may take to send one request. (default: 30)")
    var requestTimeout: Int?
    @Option(help: "Seconds in-flight requests get after SIGTERM. (default: 10)")
    var drainTimeout: Int?
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"
    @Option(name: .customLong("trusted-key"), parsing: .singleValue,
            help: "Ed25519 public key file; serve only weight files signed by one of these (repeatable; default: signatures not required).")
    var trustedKeys: [String] = []
    @Flag(help: "Enable test-only endpoints (POST /v2/debug/stall-worker, uid 0 only). Never in production.")
    var testHooks = false

    func resolvedConfiguration() throws(ServerError) -> ServerConfiguration {
        var c = ServerConfiguration()
        if let config { try c.apply(configFile: config) }
        try c.apply(flags: [
            "socket": socket.map(FlagValue.string), "models": models.map(FlagValue.string),
            "workers": workers.map(FlagValue.integer), "max-batch": maxBatch.map(FlagValue.integer),
            "batch-delay-us": batchDelayMicroseconds.map(FlagValue.integer),
            "busy-poll-us": busyPollMicroseconds.map(FlagValue.integer), "queue-depth": queueDepth.map(FlagValue.integer),
            "max-body": maxBody.map(FlagValue.integer), "max-connections": maxConnections.map(FlagValue.integer),
            "socket-group": socketGroup.map(FlagValue.string),
            "allow-uid": allowUIDs.isEmpty ? nil : .ids(allowUIDs), "allow-gid": allowGIDs.isEmpty ? nil : .ids(allowGIDs),
            "idle-timeout": idleTimeout.map(FlagValue.integer), "request-timeout": requestTimeout.map(FlagValue.integer),
            "drain-timeout": drainTimeout.map(FlagValue.integer),
            "trusted-keys": trustedKeys.isEmpty ? nil : .strings(trustedKeys),
        ])
        if testHooks { c.testHooks = true }
        try c.validate()
        return c
    }

    func run() throws {
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        LogSetup.bootstrap(label: "inferd", level: level)
        let logger = Logger(label: "inferd")
        do {
            let configuration = try resolvedConfiguration()
            let inherited = try SocketActivation.inheritedUnixStreamSockets()
            try Daemon(configuration: configuration, logger: logger).run(inheritedSocket: inherited.first)
        } catch let error as ServerError {
            logger.critical("\(error.description)")
            throw ExitCode(error.exitCode)
        } catch let error as SystemdError {
            logger.critical("\(error.description)")
            throw ExitCode(2)
        }
    }
}

extension ServerError {
    /// Exit codes, decided in one place: 2 configuration, 3 socket, 1 anything else.
    var exitCode: Int32 {
        switch self {
        case .invalidConfiguration: 2
        case .socket: 3
        default: 1
        }
    }
}
