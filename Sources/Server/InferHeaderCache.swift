#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The last binary-path JSON header one connection sent and what it decoded to. A client usually
/// sends the very same header with every request (same input name, shape, size and outputs), so
/// a byte-equal header skips the JSON parse, a quarter of the daemon's own instructions per
/// request. Only headers up to `largestCachedHeader` bytes are kept; failures are never cached.
struct InferHeaderCache {
    static let largestCachedHeader = 1024
    private var bytes: [UInt8] = []
    private var request: KServeInferRequest?

    /// The request `header` decodes to: the cached one when the bytes are equal, else `decode`'s.
    mutating func request(for header: UnsafeRawBufferPointer,
                          decode: (UnsafeRawBufferPointer) throws -> KServeInferRequest) rethrows -> KServeInferRequest {
        if let request, bytes.count == header.count,
           bytes.withUnsafeBytes({ memcmp($0.baseAddress!, header.baseAddress!, header.count) == 0 }) {
            return request
        }
        let decoded = try decode(header)
        if header.count <= Self.largestCachedHeader, header.count > 0 {
            bytes.removeAll(keepingCapacity: true)
            bytes.append(contentsOf: header)
            request = decoded
        }
        return decoded
    }
}
