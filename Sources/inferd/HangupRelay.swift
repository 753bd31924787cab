import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// SIGHUP from the first moment on: by default it kills the process, so one sent while the models
/// are still loading (the whole start, seconds for a large model) would end inferd. A SIGHUP before
/// the daemon serves is kept and answered with a reload as soon as it does, since the files may have
/// changed after the start read them.
final class HangupRelay: Sendable {
    private let state = Mutex<(reload: (@Sendable () -> Void)?, pending: Bool)>((nil, false))
    /// Kept for its lifetime only; never touched after `init`.
    nonisolated(unsafe) private let source: any DispatchSourceProtocol

    private let queue: DispatchQueue

    init(queue: DispatchQueue) {
        signal(SIGHUP, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: queue)
        self.source = source
        self.queue = queue
        source.setEventHandler { [self] in
            let reload = state.withLock { current in
                if current.reload == nil { current.pending = true }
                return current.reload
            }
            reload?()
        }
        source.resume()
    }

    /// From now on every SIGHUP calls `reload` (on the signal queue); it is called at once if one
    /// came before.
    func connect(_ reload: @escaping @Sendable () -> Void) {
        let pending = state.withLock { current in
            current.reload = reload
            defer { current.pending = false }
            return current.pending
        }
        if pending { queue.async(execute: reload) }
    }
}
