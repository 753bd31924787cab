#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Dispatch
import Logging
import Server
import Synchronization
import Systemd

/// The process around the server: service-manager notifications, signals, the watchdog and the
/// status line. Never returns from `run`: SIGTERM ends the process with exit 0 after the drain.
final class Daemon: Sendable {
    let server: InferenceServer
    let logger: Logger
    private let notifier = Notifier()
    private let queue = DispatchQueue(label: "inferd.signals")
    private let probeReturned = Atomic<Bool>(true)
    private let lastStatus = Mutex("")
    /// The request count when the heap was last handed back (`startStatusTimer`).
    private let requestsAtLastTrim = Atomic<Int>(0)
    private let hangups: HangupRelay

    init(configuration: ServerConfiguration, logger: Logger) throws(ServerError) {
        let notifier = self.notifier
        self.logger = logger
        hangups = HangupRelay(queue: queue)
        // A SIGTERM while the models load ends inferd at once, whatever the parent ignored (a
        // process inherits ignored signals across exec; systemd resets them, other launchers may not).
        signal(SIGTERM, SIG_DFL)
        server = try InferenceServer(configuration: configuration, logger: logger) { starting, server in
            if starting {
                notifier.reloading(status: "reloading models")
            } else {
                FreedHeap.returnToSystem()
                notifier.ready(status: server.statusLine)
            }
        }
    }

    func run(inheritedSocket: Int32?) throws(ServerError) -> Never {
        let started = monotonicSeconds()
        try server.start(inheritedSocket: inheritedSocket)
        FreedHeap.returnToSystem()
        notifier.ready(status: server.statusLine)
        logger.info("ready", metadata: [
            "socket": "\(inheritedSocket.map { "inherited fd \($0)" } ?? server.configuration.socketPath)",
            "workers": "\(server.configuration.workers)",
            "startup_ms": "\(Int((monotonicSeconds() - started) * 1000))"])
        let sources = installSignalHandlers() + [startStatusTimer()] + startWatchdog()
        hangups.connect { [self] in
            logger.info("SIGHUP: reloading models")
            server.reload().whenComplete { _ in }
        }
        withExtendedLifetime(sources) { dispatchMain() }
    }

    private func installSignalHandlers() -> [any DispatchSourceProtocol] {
        [SIGTERM, SIGINT].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { [self] in stop(signal: number) }
            source.resume()
            return source
        }
    }

    private func stop(signal number: Int32) -> Never {
        logger.info("stopping", metadata: ["signal": "\(number)"])
        notifier.stopping(status: "draining in-flight requests")
        server.shutdown()
        exit(0)
    }

    private func startStatusTimer() -> any DispatchSourceProtocol {
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + 5, repeating: 5)
        timer.setEventHandler { [self] in
            let line = server.statusLine
            let changed = lastStatus.withLock { last in
                defer { last = line }
                return last != line
            }
            if changed { notifier.status(line) }
            returnFreedHeapIfIdle()
        }
        timer.resume()
        return timer
    }

    /// After a burst of traffic, once nothing is in flight, the pages its connections and answers
    /// freed go back to the kernel: glibc keeps them (churning clients left 130-240 MB resident on an
    /// idle daemon of 30 MB). At most once per status tick, and only when requests were served.
    private func returnFreedHeapIfIdle() {
        let served = server.metrics.requestCount
        guard served != requestsAtLastTrim.load(ordering: .relaxed), server.isIdle else { return }
        requestsAtLastTrim.store(served, ordering: .relaxed)
        FreedHeap.returnToSystem()
    }

    /// Pings at half the watchdog interval, but only when the previous probe came back through
    /// every worker's own inbox: a wedged worker stops the pings and systemd restarts inferd.
    private func startWatchdog() -> [any DispatchSourceProtocol] {
        guard let interval = Watchdog.pingInterval() else { return [] }
        let (seconds, attoseconds) = interval.components
        let nanoseconds = Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)
        logger.info("watchdog enabled", metadata: ["ping_ms": "\(nanoseconds / 1_000_000)"])
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now(), repeating: .nanoseconds(max(nanoseconds, 1_000_000)))
        timer.setEventHandler { [self] in
            guard probeReturned.exchange(false, ordering: .acquiringAndReleasing) else {
                logger.warning("watchdog: a worker has not answered the last probe; not pinging")
                return
            }
            notifier.watchdogPing()
            server.probeWorkers { [self] in probeReturned.store(true, ordering: .releasing) }
        }
        timer.resume()
        return [timer]
    }

    private func monotonicSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
