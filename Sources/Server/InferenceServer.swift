#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Crypto
import Logging
import ModelFile
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// The serving side of inferd: models, workers, metrics and the HTTP listener on one Unix socket.
/// `start` loads every model and listens; `reload` swaps models; `shutdown` drains and stops.
public final class InferenceServer: Sendable {
    public let configuration: ServerConfiguration
    public let repository: ModelRepository
    public let metrics: ServerMetrics
    let pool: WorkerPool
    let logger: Logger
    let group: MultiThreadedEventLoopGroup
    /// The loop that accepts connections and runs control work (reload completions), apart from
    /// the loops that run inference inline, so a wedged worker loop never stops new connections
    /// from being accepted and dealt out to the others.
    private let acceptorGroup: MultiThreadedEventLoopGroup?
    /// Batching off: each event loop is a worker and runs inference inline on the request's own
    /// thread, with its own `Model` instances (loop `i` uses instance `i`). Batching on: one event
    /// loop hands requests to the worker pool's queue.
    let inlineInference: Bool
    /// The event loops in worker order (inline inference).
    let loops: [any EventLoop]
    /// One busy poller per inline loop, in loop order; empty when busy polling is off.
    let busyPollers: [NIOLoopBoundBox<BusyPoller>]
    /// Inline requests parsed but not yet answered, bounded by the queue depth.
    let inlinePending = Atomic<Int>(0)
    private let reloadPool: NIOThreadPool
    private let listener = Mutex<(any Channel)?>(nil)
    /// The socket file this process bound, removed on shutdown only while the path still names it.
    private let boundSocket = Mutex<SocketPath.Identity?>(nil)
    let draining = Atomic<Bool>(false)
    let ready = Atomic<Bool>(false)
    let openConnections = Atomic<Int>(0)
    let requestsInFlight = Atomic<Int>(0)
    private let requestSequence = Atomic<Int>(0)
    /// Called before and after each reload (`true` = starting), for service-manager notifications.
    private let reloadObserver: @Sendable (Bool, InferenceServer) -> Void

    public init(configuration: ServerConfiguration, logger: Logger,
                reloadObserver: @escaping @Sendable (Bool, InferenceServer) -> Void = { _, _ in }) throws(ServerError) {
        try configuration.validate()
        self.configuration = configuration
        self.logger = logger
        self.reloadObserver = reloadObserver
        let metrics = ServerMetrics()
        self.metrics = metrics
        var trustedKeys: [Curve25519.Signing.PublicKey] = []
        for path in configuration.trustedKeyFiles {
            do { trustedKeys.append(try SigningKeys.readPublicKey(path: path)) } catch {
                throw .invalidConfiguration("trusted key: \(error)")
            }
        }
        self.repository = ModelRepository(directory: configuration.modelsDirectory, workers: configuration.workers,
                                          maxBatch: configuration.maxBatch,
                                          trustedKeys: trustedKeys.isEmpty ? nil : trustedKeys, logger: logger)
        let inline = configuration.maxBatch == 1
        self.inlineInference = inline
        self.pool = WorkerPool(workers: inline ? 0 : configuration.workers, queueDepth: configuration.queueDepth,
                               maxBatch: configuration.maxBatch,
                               batchDelayMicroseconds: configuration.batchDelayMicroseconds,
                               onQueueDepth: { metrics.recordQueueDepth($0) })
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: inline ? configuration.workers : 1)
        self.acceptorGroup = inline ? MultiThreadedEventLoopGroup(numberOfThreads: 1) : nil
        self.loops = Array(group.makeIterator())
        self.busyPollers = inline && configuration.busyPollMicroseconds > 0
            ? loops.map { NIOLoopBoundBox.makeBoxSendingValue(
                BusyPoller(windowMicroseconds: configuration.busyPollMicroseconds), eventLoop: $0) }
            : []
        self.reloadPool = NIOThreadPool(numberOfThreads: 1)
        reloadPool.start()
    }

    /// Loads every model, then listens on `inheritedSocket` (socket activation) or binds the
    /// configured path (mode 0660, group as configured). Returns once requests can be served.
    /// Refuses a path where another daemon listens or that is not a socket; replaces a stale socket.
    public func start(inheritedSocket: Int32? = nil) throws(ServerError) {
        // Checked before loading so a second daemon fails at once, not after reading every model.
        if inheritedSocket == nil { try SocketPath.prepareForBinding(configuration.socketPath) }
        let index = try repository.reload()
        metrics.recordModelsServed(repository.served.count)
        logger.info("models loaded", metadata: [
            "served": "\(repository.served.keys.sorted().joined(separator: ","))",
            "unavailable": "\(index.filter { $0.state != "READY" }.count)"])
        // Both kinds of socket arrive listening (backlog 256 for our own), so no backlog option here.
        let bootstrap = ServerBootstrap(group: acceptorGroup ?? group, childGroup: group)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { [self] channel in initialize(channel) }
        do {
            let channel: any Channel
            if let inheritedSocket {
                channel = try bootstrap.withBoundSocket(inheritedSocket).wait()
            } else {
                let path = configuration.socketPath
                let previousMask = umask(0o117)
                defer { umask(previousMask) }
                let (descriptor, identity) = try SocketPath.bindListening(path, backlog: 256)
                boundSocket.withLock { $0 = identity }
                try applySocketOwnership(path)
                channel = try bootstrap.withBoundSocket(descriptor).wait()
            }
            listener.withLock { $0 = channel }
        } catch let error as ServerError {
            throw error
        } catch {
            throw .socket("cannot listen on \(inheritedSocket.map { "inherited fd \($0)" } ?? configuration.socketPath): \(error)")
        }
        ready.store(true, ordering: .releasing)
    }

    private func applySocketOwnership(_ path: String) throws(ServerError) {
        var gid: gid_t = gid_t(bitPattern: -1)
        if let name = configuration.socketGroup {
            if let number = UInt32(name) {
                gid = number
            } else if let entry = getgrnam(name) {
                gid = entry.pointee.gr_gid
            } else {
                throw .invalidConfiguration("socket group '\(name)' does not exist")
            }
            guard chown(path, uid_t(bitPattern: -1), gid) == 0 else {
                throw .socket("cannot give \(path) to group \(name): \(String(cString: strerror(errno)))")
            }
        }
        guard chmod(path, 0o660) == 0 else {
            throw .socket("cannot chmod 0660 \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Peers outside the allowlist are refused before the cap is counted: the cap is for the
    /// connections inferd serves, and refused peers must not be able to fill it.
    private func initialize(_ channel: any Channel) -> EventLoopFuture<Void> {
        let descriptor = busyPollers.isEmpty
            ? channel.eventLoop.makeSucceededFuture(nil) : ConnectionDescriptor.of(channel)
        return PeerCredentials.of(channel).and(descriptor).flatMap { [self] peer, descriptor in
            let refusal: ServerError?
            if let peer, !peer.isAllowed(uids: configuration.allowUIDs, gids: configuration.allowGIDs) {
                logger.warning("connection refused: peer not in allowlist", metadata: [
                    "peer_uid": "\(peer.uid)", "peer_gid": "\(peer.gid)", "peer_pid": "\(peer.pid)"])
                refusal = .forbidden("peer uid \(peer.uid) gid \(peer.gid) is not allowed to use this socket")
            } else {
                let count = openConnections.add(1, ordering: .relaxed).newValue
                channel.closeFuture.whenComplete { [self] _ in openConnections.subtract(1, ordering: .relaxed) }
                if count > configuration.maxConnections {
                    logger.warning("connection refused: limit reached", metadata: ["limit": "\(configuration.maxConnections)"])
                    refusal = .connectionLimit(configuration.maxConnections)
                } else {
                    refusal = nil
                }
            }
            return channel.eventLoop.makeCompletedFuture {
                let pipeline = channel.pipeline.syncOperations
                // Every response header is written by inferd itself from fixed names and numbers, so
                // NIO's per-response header validation (a few % of a request's CPU) checks nothing.
                // HTTPHandler and RefusingHandler answer malformed HTTP themselves, where NIO's
                // HTTPServerProtocolErrorHandler would answer an empty 400 (and its type checks on
                // every response part and its hops cost ~3,000 instructions per request).
                try pipeline.configureHTTPServerPipeline(withErrorHandling: false,
                                                         withOutboundHeaderValidation: false)
                if let refusal {
                    try pipeline.addHandler(RefusingHandler(refusal))
                } else {
                    try pipeline.addHandler(HTTPHandler(server: self, peer: peer,
                                                        busyPoll: busyPollRegistration(channel, descriptor)))
                }
            }
        }
    }

    /// The busy-poll registration of a new connection, nil when busy polling is off. A connection
    /// whose descriptor could not be confirmed is served without it, and the log says so.
    private func busyPollRegistration(_ channel: any Channel, _ descriptor: Int32?) -> BusyPollRegistration? {
        guard !busyPollers.isEmpty else { return nil }
        guard let descriptor else {
            logger.warning("busy polling unavailable for a connection: its socket descriptor could not be confirmed")
            return nil
        }
        return BusyPollRegistration(poller: busyPollers[workerIndex(of: channel.eventLoop)], descriptor: descriptor)
    }

    /// A fresh request number for logs (used when the client sent no `X-Request-ID`).
    func nextRequestSequence() -> Int {
        requestSequence.add(1, ordering: .relaxed).newValue
    }

    /// Reloads the models directory off the event loop and the workers; completes with the new index.
    public func reload(on eventLoop: (any EventLoop)? = nil) -> EventLoopFuture<[ModelIndexEntry]> {
        let loop = eventLoop ?? (acceptorGroup ?? group).next()
        return reloadPool.runIfActive(eventLoop: loop) { [self] in
            reloadObserver(true, self)
            defer { reloadObserver(false, self) }
            logger.info("reloading models", metadata: ["directory": "\(configuration.modelsDirectory)"])
            let index = try repository.reload()
            metrics.recordModelsServed(repository.served.count)
            return index
        }
    }

    /// No request is being received, queued or run.
    public var isIdle: Bool { requestsInFlight.load(ordering: .relaxed) == 0 }

    /// A line for `STATUS=`: what is served and how much has been answered.
    public var statusLine: String {
        let served = repository.served.count
        let failed = repository.index.filter { !$0.reason.isEmpty }.count
        var line = "serving \(served) model\(served == 1 ? "" : "s"), \(metrics.requestCount) requests"
        if failed > 0 { line += ", \(failed) weight file\(failed == 1 ? "" : "s") with problems" }
        if draining.load(ordering: .relaxed) { line = "draining: " + line }
        return line
    }

    /// Threads that run inference: the event loops (inline) or the pool's workers (batching).
    var workerCount: Int { inlineInference ? loops.count : pool.workerCount }

    /// The worker index of `loop` (inline inference: the `Model` instance it owns).
    func workerIndex(of loop: any EventLoop) -> Int {
        loops.firstIndex { $0 === loop } ?? 0
    }

    /// Sends a probe through every worker (its event loop, or its own inbox when batching); calls
    /// `completion` once all came back (never, if one is wedged).
    public func probeWorkers(_ completion: @escaping @Sendable () -> Void) {
        let box = ProbeCounter(count: workerCount, completion: completion)
        for index in 0..<workerCount {
            runOnWorker(index) { box.arrive() }
        }
    }

    /// Blocks worker `index` for `seconds` (test hooks only): the watchdog must notice.
    func stallWorker(_ index: Int, seconds: Int) {
        logger.warning("test hook: stalling worker", metadata: ["worker": "\(index)", "seconds": "\(seconds)"])
        runOnWorker(index) { sleep(UInt32(seconds)) }
    }

    private func runOnWorker(_ index: Int, _ work: @escaping @Sendable () -> Void) {
        if inlineInference {
            loops[index].execute(work)
        } else {
            pool.sendControl(toWorker: index, work)
        }
    }

    /// Stops accepting, lets in-flight requests finish for up to the drain timeout, then stops.
    public func shutdown() {
        draining.store(true, ordering: .releasing)
        ready.store(false, ordering: .releasing)
        let channel = listener.withLock { $0 }
        try? channel?.close().wait()
        let deadline = monotonicNanoseconds() + UInt64(configuration.drainTimeoutSeconds) * 1_000_000_000
        while requestsInFlight.load(ordering: .acquiring) > 0, monotonicNanoseconds() < deadline {
            usleep(5_000)
        }
        let abandoned = requestsInFlight.load(ordering: .acquiring)
        if abandoned > 0 { logger.warning("drain timeout: abandoning requests", metadata: ["count": "\(abandoned)"]) }
        pool.shutdown()
        // A second past the drain deadline for the loops to close their connections; a loop wedged
        // in a model run (what the watchdog restarts for) must not hold the exit any longer.
        if !stopThreads(until: max(deadline, monotonicNanoseconds()) + 1_000_000_000) {
            logger.warning("event loops still busy after the drain timeout; stopping without them")
        }
        if let identity = boundSocket.withLock({ $0 }) { SocketPath.remove(configuration.socketPath, ifStill: identity) }
        logger.info("stopped", metadata: ["requests": "\(metrics.requestCount)"])
    }
}

extension InferenceServer {
    /// Shuts the event loop groups and the reload pool down, waiting until `deadline` at most;
    /// true when all of them stopped.
    fileprivate func stopThreads(until deadline: UInt64) -> Bool {
        let groups: [any EventLoopGroup] = [group] + (acceptorGroup.map { [$0] } ?? [])
        let stopped = StopCounter()
        for group in groups {
            group.shutdownGracefully(queue: .global()) { _ in stopped.count.add(1, ordering: .releasing) }
        }
        reloadPool.shutdownGracefully(queue: .global()) { _ in stopped.count.add(1, ordering: .releasing) }
        while stopped.count.load(ordering: .acquiring) < groups.count + 1, monotonicNanoseconds() < deadline {
            usleep(1_000)
        }
        return stopped.count.load(ordering: .acquiring) == groups.count + 1
    }
}

/// How many thread groups finished shutting down.
private final class StopCounter: Sendable {
    let count = Atomic<Int>(0)
}

/// Counts probe arrivals; calls the completion when the last worker reported.
private final class ProbeCounter: Sendable {
    private let remaining: Atomic<Int>
    private let completion: @Sendable () -> Void

    init(count: Int, completion: @escaping @Sendable () -> Void) {
        remaining = Atomic(count)
        self.completion = completion
    }

    func arrive() {
        if remaining.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 { completion() }
    }
}
