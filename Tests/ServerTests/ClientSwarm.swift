import Foundation
import Server
import Synchronization

/// Clients on their own threads sending binary infer requests back to back until stopped;
/// counts successes and keeps every failure.
final class ClientSwarm: Sendable {
    private let stopFlag = Atomic<Bool>(false)
    private let successes = Atomic<Int>(0)
    private let failures = Mutex<[String]>([])
    private let finished = DispatchGroup()

    init(socketPath: String, clients: Int, model: String, shape: [Int]) {
        let count = shape.reduce(1, *)
        for client in 0..<clients {
            finished.enter()
            let thread = Thread { [self] in
                let connection = InferenceClient(socketPath: socketPath)
                let input = TestModels.input(count: count, seed: client)
                while !stopFlag.load(ordering: .relaxed) {
                    do {
                        let output = try connection.infer(model: model, input: input, shape: shape)
                        if output.isEmpty { throw InferenceClientError.malformed("empty output") }
                        successes.add(1, ordering: .relaxed)
                    } catch {
                        failures.withLock { $0.append("\(error)") }
                    }
                }
                finished.leave()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    var successCount: Int { successes.load(ordering: .relaxed) }

    /// Stops every client and returns (successes, failures).
    func stop() -> (Int, [String]) {
        stopFlag.store(true, ordering: .relaxed)
        finished.wait()
        return (successes.load(ordering: .relaxed), failures.withLock { $0 })
    }
}
