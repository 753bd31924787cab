#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The config file: flat TOML (`key = value` lines, `#` comments) with the same keys as the
/// `inferd` flags, e.g. `workers = 2`, `socket = "/run/inferd.sock"`, `allow-uid = [0, 1000]`.
/// Strings, integers, booleans, integer arrays and string arrays (`trusted-keys = ["a.pub"]`); tables and other TOML types are refused with
/// the line number, so a mistake is never silently ignored.
extension ServerConfiguration {
    /// Applies every key of the file at `path` over the current values.
    public mutating func apply(configFile path: String) throws(ServerError) {
        guard let file = fopen(path, "r") else {
            throw .invalidConfiguration("cannot open config file \(path): \(String(cString: strerror(errno)))")
        }
        defer { fclose(file) }
        var text: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count <= 0 { break }
            text += chunk[0..<count]
            if text.count > 1 << 20 { throw .invalidConfiguration("config file \(path) is larger than 1 MiB") }
        }
        try apply(configText: String(decoding: text, as: UTF8.self), source: path)
    }

    /// Applies the keys in `text` (TOML as described above); `source` names it in errors.
    public mutating func apply(configText text: String, source: String = "config") throws(ServerError) {
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = Self.stripComment(rawLine).trimmingSpaces
            if line.isEmpty { continue }
            func fail(_ why: String) -> ServerError { .invalidConfiguration("\(source):\(number + 1): \(why)") }
            guard let equals = line.firstIndex(of: "=") else { throw fail("expected 'key = value', found '\(line)'") }
            let key = line[..<equals].trimmingSpaces.replacingUnderscores
            let value = TOMLValue(String(line[line.index(after: equals)...].trimmingSpaces))
            do throws(ServerError) { try set(key, value) } catch {
                if case let .invalidConfiguration(why) = error { throw fail(why) }
                throw fail(error.description)
            }
        }
    }

    private mutating func set(_ key: String, _ value: TOMLValue) throws(ServerError) {
        switch key {
        case "socket": socketPath = try value.string(key)
        case "models": modelsDirectory = try value.string(key)
        case "workers": workers = try value.int(key)
        case "max-batch": maxBatch = try value.int(key)
        case "batch-delay-us": batchDelayMicroseconds = try value.int(key)
        case "queue-depth": queueDepth = try value.int(key)
        case "max-body": maxBodyBytes = try value.int(key)
        case "max-connections": maxConnections = try value.int(key)
        case "socket-group": socketGroup = try value.string(key)
        case "allow-uid": allowUIDs = try value.ids(key)
        case "allow-gid": allowGIDs = try value.ids(key)
        case "idle-timeout": idleTimeoutSeconds = try value.int(key)
        case "request-timeout": requestTimeoutSeconds = try value.int(key)
        case "drain-timeout": drainTimeoutSeconds = try value.int(key)
        case "trusted-keys": trustedKeyFiles = try value.strings(key)
        default: throw .invalidConfiguration("unknown key '\(key)'")
        }
    }

    private static func stripComment(_ line: Substring) -> Substring {
        var inString = false
        for index in line.indices {
            if line[index] == "\"" { inString.toggle() }
            if line[index] == "#", !inString { return line[..<index] }
        }
        return line
    }
}

/// One TOML value as written, converted on demand to the type its key needs.
private struct TOMLValue {
    let text: String
    init(_ text: String) { self.text = text }

    func string(_ key: String) throws(ServerError) -> String {
        guard text.count >= 2, text.first == "\"", text.last == "\"" else {
            throw .invalidConfiguration("\(key) must be a quoted string, found \(text)")
        }
        let inner = text.dropFirst().dropLast()
        guard !inner.contains("\\"), !inner.contains("\"") else {
            throw .invalidConfiguration("\(key): escapes are not supported in config strings")
        }
        return String(inner)
    }

    func int(_ key: String) throws(ServerError) -> Int {
        guard let value = Int(text.filter { $0 != "_" }) else {
            throw .invalidConfiguration("\(key) must be an integer, found \(text)")
        }
        return value
    }

    func strings(_ key: String) throws(ServerError) -> [String] {
        guard text.first == "[", text.last == "]" else {
            throw .invalidConfiguration("\(key) must be an array of strings like [\"a.pub\"], found \(text)")
        }
        return try text.dropFirst().dropLast().split(separator: ",").map { $0.trimmingSpaces }
            .filter { !$0.isEmpty }.map { (item) throws(ServerError) in try TOMLValue(item).string(key) }
    }

    func ids(_ key: String) throws(ServerError) -> [UInt32] {
        guard text.first == "[", text.last == "]" else {
            throw .invalidConfiguration("\(key) must be an array of integers like [0, 1000], found \(text)")
        }
        var ids: [UInt32] = []
        for item in text.dropFirst().dropLast().split(separator: ",") {
            let trimmed = item.trimmingSpaces
            if trimmed.isEmpty { continue }
            guard let id = UInt32(trimmed) else {
                throw .invalidConfiguration("\(key) must hold integer ids, found \(trimmed)")
            }
            ids.append(id)
        }
        return ids
    }
}

extension StringProtocol {
    fileprivate var trimmingSpaces: String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" || first == "\r" { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\t" || last == "\r" { slice.removeLast() }
        return String(slice)
    }

    fileprivate var replacingUnderscores: String {
        String(map { $0 == "_" ? "-" : $0 })
    }
}
