#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import ModelFile

/// What identifies one version of a file on disk: a changed identity means the file must be read again.
struct FileIdentity: Equatable, Sendable {
    var device: UInt64
    var inode: UInt64
    var size: Int64
    var modifiedNanoseconds: Int64

    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        #if canImport(Darwin)
        modifiedNanoseconds = Int64(info.st_mtimespec.tv_sec) * 1_000_000_000 + Int64(info.st_mtimespec.tv_nsec)
        #else
        modifiedNanoseconds = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        #endif
    }
}

/// One entry of a models directory whose name ends in the weight-file suffix.
struct DirectoryEntry: Equatable {
    var path: String
    /// Why the entry cannot be read as a weight file (a directory, a FIFO, a dangling link), or nil
    /// for a regular file. Such entries are never opened: reading a FIFO would block.
    var problem: String?
}

/// The entries of `directory` whose names end in `suffix`, sorted by path; names starting with a
/// dot (editors' and writers' temporary files) are skipped.
func listFiles(in directory: String, suffix: String) throws(ServerError) -> [DirectoryEntry] {
    guard let handle = opendir(directory) else {
        throw .invalidConfiguration("cannot open models directory \(directory): \(String(cString: strerror(errno)))")
    }
    defer { closedir(handle) }
    var entries: [DirectoryEntry] = []
    while let entry = readdir(handle) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
            String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
        }
        guard !name.hasPrefix("."), name.hasSuffix(suffix) else { continue }
        let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
        var info = stat()
        let problem: String? = if stat(path, &info) != 0 {
            "cannot open \(path): \(String(cString: strerror(errno)))"
        } else if (info.st_mode & S_IFMT) != S_IFREG {
            "\(path) is \(fileKind(info.st_mode)), not a regular file"
        } else {
            nil
        }
        entries.append(DirectoryEntry(path: path, problem: problem))
    }
    return entries.sorted { $0.path < $1.path }
}

/// The last path component without the extension: the index name of an unreadable file.
func fileStem(_ path: String) -> String {
    let last = path.split(separator: "/").last.map(String.init) ?? path
    return last.hasSuffix(".inferd") ? String(last.dropLast(".inferd".count)) : last
}
