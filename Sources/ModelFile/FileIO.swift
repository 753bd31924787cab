#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file reads and crash-safe writes with plain POSIX calls (one `read` loop, no Foundation).
enum FileIO {
    /// Opens without blocking (a FIFO would wait for a writer; a regular file ignores the flag) and
    /// reads only a regular file.
    static func readAll(path: String, limit: Int) throws(ModelFileError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw .unreadable(path: path, reason: lastError()) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .unreadable(path: path, reason: lastError()) }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw .unreadable(path: path, reason: "it is \(fileKind(info.st_mode)), not a regular file")
        }
        let size = Int(info.st_size)
        guard size <= limit else { throw .fileTooLarge(path: path, size: size, limit: limit) }
        var failure: String?
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            count = 0
            while count < size {
                let got = read(fd, buffer.baseAddress! + count, size - count)
                if got < 0 {
                    if errno == EINTR { continue }
                    failure = lastError(); return
                }
                if got == 0 { failure = "file shrank while reading"; return }
                count += got
            }
        }
        if let failure { throw .unreadable(path: path, reason: failure) }
        return bytes
    }

    /// Writes to a temporary file in the same directory, syncs it, then renames it over `path`,
    /// so readers see either the old file or the complete new one.
    /// Only a regular file (or nothing) at `path` is replaced: the rename would put a regular file in
    /// place of a device such as /dev/null, a FIFO, a socket or a symbolic link.
    static func writeAtomically(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644) throws(ModelFileError) {
        var existing = stat()
        if lstat(path, &existing) == 0, existing.st_mode & S_IFMT != S_IFREG {
            throw .unwritable(path: path, reason: "it is \(fileKind(existing.st_mode)), not a regular file, and is left as it is")
        }
        var template = Array((path + ".tmp.XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw .unwritable(path: path, reason: lastError()) }
        let temporary = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var failure: String?
        bytes.withUnsafeBytes { buffer in
            var done = 0
            while done < buffer.count {
                let wrote = write(fd, buffer.baseAddress! + done, buffer.count - done)
                if wrote < 0 {
                    if errno == EINTR { continue }
                    failure = lastError(); return
                }
                done += wrote
            }
        }
        if failure == nil, fchmod(fd, mode) != 0 { failure = lastError() }
        if failure == nil, fsync(fd) != 0 { failure = lastError() }
        if close(fd) != 0, failure == nil { failure = lastError() }
        if failure == nil, rename(temporary, path) != 0 { failure = lastError() }
        if let failure {
            unlink(temporary)
            throw .unwritable(path: path, reason: failure)
        }
        syncDirectory(of: path)
    }

    private static func syncDirectory(of path: String) {
        let directory = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        let fd = open(directory.isEmpty ? "/" : directory, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }
}

/// What a file that is not a regular one is, from its `st_mode`: "a directory", "a FIFO", … .
public func fileKind(_ mode: mode_t) -> String {
    switch mode & S_IFMT {
    case S_IFREG: "a regular file"
    case S_IFDIR: "a directory"
    case S_IFIFO: "a FIFO"
    case S_IFSOCK: "a socket"
    case S_IFCHR: "a character device"
    case S_IFBLK: "a block device"
    case S_IFLNK: "a symbolic link"
    default: "a special file"
    }
}
