import CSystemd

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// One journal entry handed to `sd_journal_sendv(3)`; the variadic `sd_journal_send` does not
/// import into Swift, so fields travel as an iovec array.
enum JournalEntry {
    /// Sends `NAME=value` fields (values may hold newlines); returns 0 or a negative errno.
    static func send(_ fields: [String]) -> Int32 {
        var bytes: [UInt8] = []
        var spans: [(offset: Int, count: Int)] = []
        spans.reserveCapacity(fields.count)
        for field in fields {
            spans.append((bytes.count, field.utf8.count))
            bytes.append(contentsOf: field.utf8)
        }
        guard !spans.isEmpty else { return 0 }
        return bytes.withUnsafeMutableBytes { storage -> Int32 in
            let base = storage.baseAddress!
            let vectors = spans.map { iovec(iov_base: base + $0.offset, iov_len: $0.count) }
            return vectors.withUnsafeBufferPointer { sd_journal_sendv($0.baseAddress, Int32($0.count)) }
        }
    }
}
