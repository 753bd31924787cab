import Foundation
import NIOConcurrencyHelpers
import NIOCore
import Server

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// One prebuilt binary-path infer request: the exact bytes a client writes.
struct BenchRequest: Sendable {
    let bytes: [UInt8]

    init(model: String, input: [Float], shape: [Int]) {
        let header = """
            {"inputs":[{"name":"\(ServedModel.inputName)","shape":[\(shape.map(String.init).joined(separator: ","))],\
            "datatype":"FP32","parameters":{"binary_data_size":\(input.count * 4)}}],\
            "outputs":[{"name":"\(ServedModel.outputName)","parameters":{"binary_data":true}}]}
            """
        var body = Array(header.utf8)
        input.withUnsafeBytes { body.append(contentsOf: $0) }
        let head = "POST /v2/models/\(model)/infer HTTP/1.1\r\nHost: inferd\r\n"
            + "Content-Type: application/octet-stream\r\nContent-Length: \(body.count)\r\n"
            + "Inference-Header-Content-Length: \(header.utf8.count)\r\n\r\n"
        self.bytes = Array(head.utf8) + body
    }
}

/// What all connections measured.
struct BenchResults: Sendable {
    var latencies: [UInt64] = []
    var errors = 0
    var firstError: String?
}

/// A client-side failure, as one line.
struct BenchFailure: Error, CustomStringConvertible {
    let description: String
}

/// Runs `clients` threads, each one keep-alive connection doing what a plain C or Python client
/// does: one blocking `write` of the prebuilt request, blocking `read`s until the answer is whole,
/// then the next request (with `busyPoll`, non-blocking reads in a loop instead of blocking ones).
/// Latencies of requests started after `measureFrom` are kept. A request not answered within
/// `timeout` ends its connection's run with an error.
struct BenchRun {
    let socketPath: String
    let request: BenchRequest
    let clients: Int
    let busyPoll: Bool
    let measureFrom: UInt64
    let stopAt: UInt64
    let timeout: TimeAmount

    func run() throws -> BenchResults {
        let results = NIOLockedValueBox(BenchResults())
        let finished = DispatchGroup()
        var connections: [BlockingConnection] = []
        for _ in 0..<clients {
            connections.append(try BlockingConnection(socketPath: socketPath, timeout: timeout, busyPoll: busyPoll))
        }
        for connection in connections {
            finished.enter()
            let (request, measureFrom, stopAt) = (request, measureFrom, stopAt)
            let thread = Thread {
                let own = connection.drive(request: request.bytes, measureFrom: measureFrom, stopAt: stopAt)
                results.withLockedValue { total in
                    total.latencies += own.latencies
                    total.errors += own.errors
                    if total.firstError == nil { total.firstError = own.firstError }
                }
                finished.leave()
            }
            thread.stackSize = 1 << 18
            thread.start()
        }
        finished.wait()
        return results.withLockedValue { $0 }
    }
}

/// One connected Unix socket used by exactly one thread.
final class BlockingConnection: @unchecked Sendable {
    private let fd: Int32
    private let readFlags: Int32
    private let timeoutNanoseconds: UInt64
    /// The line a request that outlived the timeout fails with.
    private let timedOut: BenchFailure
    private var buffer = [UInt8](repeating: 0, count: 1 << 16)

    init(socketPath: String, timeout: TimeAmount, busyPoll: Bool = false) throws(BenchFailure) {
        readFlags = busyPoll ? Int32(MSG_DONTWAIT) : 0
        timeoutNanoseconds = UInt64(max(timeout.nanoseconds, 1))
        timedOut = BenchFailure(description: InferenceClientError.timedOut(socketPath, after: timeout).description)
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw BenchFailure(description: "socket: \(String(cString: strerror(errno)))") }
        // Blocking reads and writes give up after the timeout (EAGAIN), so a silent inferd cannot
        // hold a client thread forever.
        var limit = timeval(tv_sec: Int(timeoutNanoseconds / 1_000_000_000),
                            tv_usec: Int(timeoutNanoseconds % 1_000_000_000 / 1000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        guard let connected = withUnixSocketAddress(socketPath, { connect(fd, $0, $1) }) else {
            close(fd)
            throw BenchFailure(description: "socket path too long: \(socketPath)")
        }
        guard connected == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw BenchFailure(description: "cannot connect to \(socketPath): \(reason)")
        }
    }

    deinit { close(fd) }

    func drive(request: [UInt8], measureFrom: UInt64, stopAt: UInt64) -> BenchResults {
        var results = BenchResults()
        results.latencies.reserveCapacity(1 << 16)
        while true {
            let start = monotonicNanoseconds()
            guard start < stopAt else { break }
            do throws(BenchFailure) {
                try send(request)
                let status = try receiveStatus(deadline: start + timeoutNanoseconds)
                guard start >= measureFrom else { continue }
                if status == 200 {
                    results.latencies.append(monotonicNanoseconds() - start)
                } else {
                    results.errors += 1
                    if results.firstError == nil { results.firstError = "HTTP \(status)" }
                }
            } catch {
                results.errors += 1
                if results.firstError == nil { results.firstError = error.description }
                break
            }
        }
        return results
    }

    private func send(_ bytes: [UInt8]) throws(BenchFailure) {
        var sent = 0
        while sent < bytes.count {
            let count = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + sent, $0.count - sent) }
            guard count > 0 else {
                if errno == EAGAIN { throw timedOut }
                throw BenchFailure(description: "write: \(String(cString: strerror(errno)))")
            }
            sent += count
        }
    }

    /// Reads one whole response (headers and `Content-Length` body) by `deadline`; returns its status
    /// code. Works on the bytes (no `String` per response): its CPU time is part of every latency measured.
    private func receiveStatus(deadline: UInt64) throws(BenchFailure) -> Int {
        var used = 0
        var scanned = 0
        var bodyStart: Int?
        var total = Int.max
        while used < total {
            if used == buffer.count { buffer.append(contentsOf: repeatElement(0, count: buffer.count)) }
            var count: Int
            while true {
                count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress! + used, $0.count - used, readFlags) }
                guard count < 0, errno == EAGAIN || errno == EINTR else { break }
                if monotonicNanoseconds() >= deadline { throw timedOut }
                sched_yield()
            }
            guard count > 0 else {
                throw BenchFailure(description: count == 0 ? "connection closed by inferd" : "read: \(String(cString: strerror(errno)))")
            }
            used += count
            if bodyStart == nil {
                let head = buffer.withUnsafeBufferPointer { HTTPResponseHead(bytes: UnsafeBufferPointer(rebasing: $0[..<used]), from: scanned) }
                if let head {
                    bodyStart = head.length
                    total = head.length + head.contentLength
                } else {
                    scanned = max(0, used - 3)
                }
            }
        }
        let status = buffer.withUnsafeBufferPointer { HTTPResponseHead.status($0) }
        guard let status else { throw BenchFailure(description: "malformed response") }
        return status
    }
}
