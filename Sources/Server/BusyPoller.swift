#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import NIOCore

/// Busy polling for one event loop (`busy-poll-us`). After the loop answers a request it keeps
/// polling its own connections for up to the window instead of going back to sleep in epoll, so
/// a client's next request is picked up without waking an idle CPU: on VMs whose idle vCPUs halt,
/// each such wake-up costs tens of µs. It polls only while it pays: when the last request reached
/// this loop within one window of the answer before it (a client in a loop, or several clients),
/// not after a pause, so sparse traffic costs nothing. Lives on its loop's thread only (held in a
/// `NIOLoopBoundBox`).
final class BusyPoller {
    /// What one poll after an answer did.
    enum Outcome {
        /// A watched connection had something to read before the window ended.
        case caught
        /// The window ended first.
        case expired
        /// Not polled: the last request came after a longer pause than the window.
        case skipped
    }

    private let windowNanoseconds: UInt64
    private var watched: [pollfd] = []
    /// When the last answer went out, until the next request arrives (0: none pending).
    private var lastAnswer: UInt64 = 0
    /// How long after the answer before it the last request arrived.
    private var lastGap = UInt64.max

    init(windowMicroseconds: Int) {
        windowNanoseconds = UInt64(windowMicroseconds) * 1000
        watched.reserveCapacity(64)
    }

    /// Starts watching connection `descriptor`.
    func watch(_ descriptor: Int32) {
        watched.append(pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0))
    }

    /// Stops watching `descriptor` (before its connection closes it).
    func unwatch(_ descriptor: Int32) {
        if let index = watched.firstIndex(where: { $0.fd == descriptor }) { watched.remove(at: index) }
    }

    /// Notes that a request arrived on this loop (any connection).
    func requestArrived() {
        guard lastAnswer != 0 else { return }
        lastGap = monotonicNanoseconds() &- lastAnswer
        lastAnswer = 0
    }

    /// After an answer: polls the watched connections without blocking, yielding the CPU between
    /// polls, until one has something to read (data, end of file or an error: the loop's next
    /// epoll turn deals with it) or the window ends, unless the last request came after a pause.
    func spin() -> Outcome {
        let now = monotonicNanoseconds()
        lastAnswer = now
        guard lastGap <= windowNanoseconds, !watched.isEmpty else { return .skipped }
        let deadline = now + windowNanoseconds
        return watched.withUnsafeMutableBufferPointer { descriptors in
            repeat {
                if poll(descriptors.baseAddress, nfds_t(descriptors.count), 0) > 0 { return .caught }
                // Lets any other runnable thread on this CPU go first: on a box without an idle
                // core the poller then costs about what blocking would, instead of starving the client.
                sched_yield()
            } while monotonicNanoseconds() < deadline
            return .expired
        }
    }
}

/// One connection's place in its event loop's busy poller. Watched from when its handler is added
/// until the connection closes or the handler goes, whichever comes first: unwatching twice could
/// drop a newer connection that reuses the descriptor number. Used on the loop's thread only.
final class BusyPollRegistration {
    private let poller: NIOLoopBoundBox<BusyPoller>
    private let descriptor: Int32
    private var watching = false

    init(poller: NIOLoopBoundBox<BusyPoller>, descriptor: Int32) {
        self.poller = poller
        self.descriptor = descriptor
    }

    func start() {
        guard !watching else { return }
        poller.value.watch(descriptor)
        watching = true
    }

    func stop() {
        guard watching else { return }
        poller.value.unwatch(descriptor)
        watching = false
    }

    func requestArrived() { poller.value.requestArrived() }

    func spin() -> BusyPoller.Outcome { poller.value.spin() }
}
