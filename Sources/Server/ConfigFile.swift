#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import TOMLKit

/// The config file: TOML (parsed by TOMLKit) whose top-level keys are the `inferd` flag names,
/// e.g. `workers = 2`, `socket = "/run/inferd.sock"`, `allow-uid = [0, 1000]`,
/// `trusted-keys = ["a.pub"]`. `max_batch` is accepted for `max-batch`. Unknown keys, tables and
/// values of the wrong type are refused with the line they are on, so a mistake is never
/// silently ignored.
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
        let table: TOMLTable
        do { table = try TOMLTable(string: text) } catch let error as TOMLParseError {
            throw .invalidConfiguration("\(source):\(error.source.begin.line): \(error.description)")
        } catch {
            throw .invalidConfiguration("\(source): \(error)")
        }
        for key in table.keys {
            guard let value = table[key] else { continue }
            do throws(ServerError) { try set(key.replacingUnderscores, ConfigValue(key: key, value: value)) } catch {
                let why = if case let .invalidConfiguration(why) = error { why } else { error.description }
                throw .invalidConfiguration("\(source):\(Self.line(of: key, in: text)): \(why)")
            }
        }
    }

    private mutating func set(_ key: String, _ value: ConfigValue) throws(ServerError) {
        switch key {
        case "socket": socketPath = try value.string()
        case "models": modelsDirectory = try value.string()
        case "workers": workers = try value.int()
        case "max-batch": maxBatch = try value.int()
        case "batch-delay-us": batchDelayMicroseconds = try value.int()
        case "queue-depth": queueDepth = try value.int()
        case "max-body": maxBodyBytes = try value.int()
        case "max-connections": maxConnections = try value.int()
        case "socket-group": socketGroup = try value.string()
        case "allow-uid": allowUIDs = try value.ids()
        case "allow-gid": allowGIDs = try value.ids()
        case "idle-timeout": idleTimeoutSeconds = try value.int()
        case "request-timeout": requestTimeoutSeconds = try value.int()
        case "drain-timeout": drainTimeoutSeconds = try value.int()
        case "trusted-keys": trustedKeyFiles = try value.strings()
        default: throw .invalidConfiguration("unknown key '\(value.key)'")
        }
    }

    /// The 1-based line on which `key` is assigned; TOMLKit reports positions only for parse errors.
    private static func line(of key: String, in text: String) -> Int {
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            let bare = trimmed.hasPrefix("\"") ? trimmed.dropFirst() : trimmed
            if bare.hasPrefix(key), bare.dropFirst(key.count).first.map({ " \t=\"".contains($0) }) ?? false {
                return index + 1
            }
        }
        return 1
    }
}

/// One parsed value with the key it was given under, converted to the type that key needs.
private struct ConfigValue {
    let key: String
    let value: any TOMLValueConvertible

    func string() throws(ServerError) -> String {
        guard let string = value.string else { throw mismatch("a string") }
        return string
    }

    func int() throws(ServerError) -> Int {
        guard let int = value.int else { throw mismatch("an integer") }
        return int
    }

    func strings() throws(ServerError) -> [String] {
        guard let array = value.array else { throw mismatch("an array of strings like [\"a.pub\"]") }
        var strings: [String] = []
        for item in array {
            guard let string = item.string else { throw mismatch("an array of strings like [\"a.pub\"]") }
            strings.append(string)
        }
        return strings
    }

    func ids() throws(ServerError) -> [UInt32] {
        guard let array = value.array else { throw mismatch("an array of integer ids like [0, 1000]") }
        var ids: [UInt32] = []
        for item in array {
            guard let int = item.int, let id = UInt32(exactly: int) else {
                throw mismatch("an array of integer ids like [0, 1000]")
            }
            ids.append(id)
        }
        return ids
    }

    private func mismatch(_ expected: String) -> ServerError {
        .invalidConfiguration("\(key) must be \(expected), found \(value.tomlValue.type) \(value.debugDescription)")
    }
}

extension String {
    fileprivate var replacingUnderscores: String {
        String(map { $0 == "_" ? "-" : $0 })
    }
}
