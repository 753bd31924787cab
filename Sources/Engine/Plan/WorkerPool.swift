#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A fixed set of worker threads, created once, that run batch slices on their own lanes while
/// the calling thread runs lane 0. Workers sleep on a condition variable between runs; handing
/// out work allocates nothing.
final class WorkerPool: @unchecked Sendable {
    private struct Slice {
        var x: UnsafePointer<Float>?
        var y: UnsafeMutablePointer<Float>?
        var batch = 0
    }

    private let lanes: [Lane]
    private let slices: UnsafeMutablePointer<Slice>
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let wake = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private let finished = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var generation = 0
    private var pending = 0
    private var stopping = false

    /// Starts `lanes.count − 1` workers; worker i runs lane i.
    init(lanes: [Lane]) {
        self.lanes = lanes
        slices = .allocate(capacity: lanes.count)
        slices.initialize(repeating: Slice(), count: lanes.count)
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(wake, nil)
        pthread_cond_init(finished, nil)
        for index in 1..<lanes.count {
            startDetachedThread { [self] in work(index) }
        }
    }

    /// Splits `batch` samples into contiguous slices, one per lane, runs them and waits.
    func run(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, batch: Int, inputCount: Int, outputCount: Int) {
        let share = (batch + lanes.count - 1) / lanes.count
        var start = 0
        for lane in 0..<lanes.count {
            let count = max(0, min(share, batch - start))
            slices[lane] = Slice(x: x + start * inputCount, y: y + start * outputCount, batch: count)
            start += count
        }
        pthread_mutex_lock(mutex)
        generation += 1
        pending = lanes.count - 1
        pthread_cond_broadcast(wake)
        pthread_mutex_unlock(mutex)

        runSlice(0)

        pthread_mutex_lock(mutex)
        while pending > 0 { pthread_cond_wait(finished, mutex) }
        pthread_mutex_unlock(mutex)
    }

    /// Stops the workers after their current run; they release the pool as they exit.
    func shutDown() {
        pthread_mutex_lock(mutex)
        stopping = true
        pthread_cond_broadcast(wake)
        pthread_mutex_unlock(mutex)
    }

    private func runSlice(_ lane: Int) {
        let slice = slices[lane]
        guard slice.batch > 0, let x = slice.x, let y = slice.y else { return }
        lanes[lane].run(x, y, batch: slice.batch, observe: { _, _ in }, observing: false)
    }

    private func work(_ lane: Int) {
        var seen = 0
        while true {
            pthread_mutex_lock(mutex)
            while generation == seen && !stopping { pthread_cond_wait(wake, mutex) }
            if stopping {
                pthread_mutex_unlock(mutex)
                return
            }
            seen = generation
            pthread_mutex_unlock(mutex)

            runSlice(lane)

            pthread_mutex_lock(mutex)
            pending -= 1
            if pending == 0 { pthread_cond_signal(finished) }
            pthread_mutex_unlock(mutex)
        }
    }

    deinit {
        pthread_cond_destroy(wake)
        pthread_cond_destroy(finished)
        pthread_mutex_destroy(mutex)
        mutex.deallocate(); wake.deallocate(); finished.deallocate()
        slices.deallocate()
    }
}
