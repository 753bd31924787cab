#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Busy polling for one event loop (`busy-poll-us`). After the loop answers a request it keeps
/// polling its own connections for up to the window instead of going back to sleep in epoll, so
/// a client's next request is picked up without waking an idle CPU. On VMs whose idle vCPUs halt,
/// each such wake-up costs tens of µs; the price is up to one window of CPU time per answer.
/// Lives on its loop's thread only (held in a `NIOLoopBound`).
final class BusyPoller {
    private let windowNanoseconds: UInt64
    private var watched: [pollfd] = []

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

    /// Polls the watched connections without blocking, yielding the CPU between polls, until one
    /// has something to read (data, end of file or an error: the loop's next epoll turn deals with
    /// it) or the window ends. Returns whether one did.
    func spin() -> Bool {
        guard !watched.isEmpty else { return false }
        let deadline = monotonicNanoseconds() + windowNanoseconds
        return watched.withUnsafeMutableBufferPointer { descriptors in
            repeat {
                if poll(descriptors.baseAddress, nfds_t(descriptors.count), 0) > 0 { return true }
                // Lets any other runnable thread on this CPU go first: on a box without an idle
                // core the poller then costs about what blocking would, instead of starving the client.
                sched_yield()
            } while monotonicNanoseconds() < deadline
            return false
        }
    }
}
