import ArgumentParser
import Server

#if canImport(Glibc)
import Glibc
#endif

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "End-to-end latency (p50, p99) and throughput over the socket with N concurrent clients.",
        discussion: """
            Each client is one thread with one keep-alive connection sending binary-path infer requests \
            (one sample of a fixed input) back to back, the way a plain C or Python client does: one \
            blocking write of a prebuilt request, blocking reads until the answer is whole. With \
            --busy-poll each client instead spins on non-blocking reads while it waits, as latency-critical \
            clients do, so its own wake-up is not part of the latency (pair it with inferd --busy-poll-us).
            """)
    @ParentCommand var root: InferctlCommand
    var connection: ConnectionOptions { root.connection }
    @Argument(help: "Served model name.") var model: String
    @Option(help: "Concurrent connections.") var clients: Int = 1
    @Option(help: "Measured seconds.") var seconds: Double = 10
    @Option(help: "Unmeasured warm-up seconds before.") var warmup: Double = 1
    @Option(help: "Samples per request.") var batch: Int = 1
    @Flag(help: "Spin on non-blocking reads while waiting for each answer (costs a core per client).")
    var busyPoll = false

    func validate() throws {
        guard clients >= 1, clients <= 4096 else { throw ValidationError("--clients must be 1...4096") }
        guard batch >= 1, batch <= 4096 else { throw ValidationError("--batch must be 1...4096") }
        try validateSeconds(seconds, option: "--seconds", range: 0.001...maximumSeconds)
        try validateSeconds(warmup, option: "--warmup", range: 0...maximumSeconds)
    }

    func run() throws {
        let metadata = try failing { try connection.client().get("/v2/models/\(model)") }
        let shape = try Infer.inputShape(metadata)
        let input = (0..<(batch * shape.reduce(1, *))).map { Float($0 % 255) / 255 }
        let request = BenchRequest(model: model, input: input, shape: [batch] + shape)
        let now = monotonicNanoseconds()
        let measureFrom = now + UInt64(warmup * 1e9)
        let stopAt = measureFrom + UInt64(seconds * 1e9)
        let results = try failing {
            try BenchRun(socketPath: connection.path, request: request, clients: clients, busyPoll: busyPoll,
                         measureFrom: measureFrom, stopAt: stopAt, timeout: connection.timeAmount).run()
        }
        var latencies = results.latencies
        latencies.sort()
        func percentile(_ p: Double) -> Double {
            latencies.isEmpty ? .nan : Double(latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))]) / 1000
        }
        let throughput = Double(latencies.count) / seconds
        print("model \(model), \(clients) client\(clients == 1 ? "" : "s"), batch \(batch), \(format1(seconds)) s measured"
              + (busyPoll ? ", clients busy-polling" : ""))
        print("requests: \(latencies.count) ok, \(results.errors) errors")
        print("latency: p50 \(format1(percentile(0.5))) µs, p99 \(format1(percentile(0.99))) µs, max \(format1(percentile(1))) µs")
        print("throughput: \(format1(throughput)) requests/s (\(format1(throughput * Double(batch))) samples/s)")
        if results.errors > 0 {
            print("first error: \(results.firstError ?? "?")")
            throw ExitCode(1)
        }
    }
}

func format1(_ value: Double) -> String {
    guard value.isFinite else { return "-" }
    let tenths = Int((value * 10).rounded())
    return "\(tenths / 10).\(abs(tenths % 10))"
}

func monotonicNanoseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}
