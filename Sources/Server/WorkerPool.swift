import Engine

/// One inference request as the workers see it: a validated input for one model.
final class InferenceJob: @unchecked Sendable {
    let model: ServedModel
    let input: [Float]
    let batch: Int
    let completion: @Sendable (Result<[Float], ServerError>) -> Void

    init(model: ServedModel, input: [Float], batch: Int,
         completion: @escaping @Sendable (Result<[Float], ServerError>) -> Void) {
        self.model = model; self.input = input; self.batch = batch; self.completion = completion
    }
}

/// A bounded queue drained by `workers` threads. Requests for the same model that wait together
/// are run as one batch (up to `maxBatch`, waiting at most `batchDelay` for more). Each worker
/// also has a private inbox for control work (watchdog probes, the test stall) that only it runs,
/// so a probe that comes back proves that this very worker is alive.
final class WorkerPool: @unchecked Sendable {
    let workerCount: Int
    let queueDepth: Int
    let maxBatch: Int
    let batchDelayNanoseconds: UInt64
    private let lock = ConditionLock()
    private var queue: [InferenceJob?] = []
    private var head = 0
    private var queued = 0
    private var inboxes: [[@Sendable () -> Void]]
    private var accepting = true
    private var running = true
    private let onQueueDepth: @Sendable (Int) -> Void

    init(workers: Int, queueDepth: Int, maxBatch: Int, batchDelayMicroseconds: Int,
         onQueueDepth: @escaping @Sendable (Int) -> Void) {
        self.workerCount = workers
        self.queueDepth = queueDepth
        self.maxBatch = maxBatch
        self.batchDelayNanoseconds = UInt64(batchDelayMicroseconds) * 1000
        self.inboxes = Array(repeating: [], count: workers)
        self.onQueueDepth = onQueueDepth
        queue.reserveCapacity(queueDepth)
        for index in 0..<workers {
            startDetachedThread { [self] in workerLoop(index) }
        }
    }

    /// Jobs waiting for a worker.
    var waitingCount: Int { lock.withLock { queued } }

    /// Queues `job`, or throws `queueFull`/`draining` without queueing it.
    func submit(_ job: InferenceJob) throws(ServerError) {
        let depth: Int? = lock.withLock {
            guard accepting, queued < queueDepth else { return nil }
            queue.append(job)
            queued += 1
            lock.broadcast()
            return queued
        }
        guard let depth else {
            throw lock.withLock { accepting } ? .queueFull(depth: queueDepth) : .draining
        }
        onQueueDepth(depth)
    }

    /// Runs `work` on worker `index` ahead of queued inference.
    func sendControl(toWorker index: Int, _ work: @escaping @Sendable () -> Void) {
        lock.withLock {
            inboxes[index].append(work)
            lock.broadcast()
        }
    }

    /// Refuses new jobs from now on; queued jobs still run.
    func stopAccepting() {
        lock.withLock { accepting = false }
    }

    /// Lets the workers exit once the queue is empty.
    func shutdown() {
        lock.withLock {
            accepting = false
            running = false
            lock.broadcast()
        }
    }

    private enum Work {
        case control(@Sendable () -> Void)
        case batch([InferenceJob])
        case exit
    }

    private func workerLoop(_ index: Int) {
        var scratch = BatchScratch()
        while true {
            switch nextWork(for: index) {
            case let .control(work): work()
            case let .batch(jobs): scratch.run(jobs, worker: index)
            case .exit: return
            }
        }
    }

    private func nextWork(for index: Int) -> Work {
        let (work, depth): (Work, Int) = lock.withLock {
            while true {
                if !inboxes[index].isEmpty { return (.control(inboxes[index].removeFirst()), queued) }
                if queued > 0 { return (.batch(takeBatch()), queued) }
                if !running { return (.exit, 0) }
                lock.wait()
            }
        }
        if case .batch = work { onQueueDepth(depth) }
        return work
    }

    /// Takes the oldest job and the queued jobs for the same model that fit in one batch, waiting
    /// up to the batch delay for more. Called with the lock held and `queued > 0`.
    private func takeBatch() -> [InferenceJob] {
        while queue[head] == nil { head += 1 }
        let first = queue[head]!
        queue[head] = nil
        head += 1
        queued -= 1
        var jobs = [first]
        var total = first.batch
        let deadline = monotonicNanoseconds() + batchDelayNanoseconds
        while total < maxBatch {
            var index = head
            while index < queue.count, total < maxBatch {
                if let job = queue[index], job.model === first.model, total + job.batch <= maxBatch {
                    jobs.append(job)
                    total += job.batch
                    queue[index] = nil
                    queued -= 1
                }
                index += 1
            }
            guard batchDelayNanoseconds > 0, total < maxBatch, running,
                  monotonicNanoseconds() < deadline else { break }
            lock.wait(untilNanoseconds: deadline)
        }
        while head < queue.count, queue[head] == nil { head += 1 }
        if head == queue.count {
            queue.removeAll(keepingCapacity: true)
            head = 0
        } else if head > 64, head * 2 > queue.count {
            queue.removeFirst(head)
            head = 0
        }
        return jobs
    }
}
