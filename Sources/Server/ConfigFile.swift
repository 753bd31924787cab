#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import ModelFile
import TOMLKit

/// The config file: TOML (parsed by TOMLKit) whose top-level keys are the `inferd` flag names,
/// e.g. `workers = 2`, `socket = "/run/inferd.sock"`, `allow-uid = [0, 1000]`,
/// `trusted-keys = ["a.pub"]`. `max_batch` is accepted for `max-batch`. Unknown keys, tables and
/// values of the wrong type are refused with the line they are on, so a mistake is never
/// silently ignored.
extension ServerConfiguration {
    /// Applies every key of the file at `path` over the current values.
    public mutating func apply(configFile path: String) throws(ServerError) {
        // Opened without blocking and checked before reading: a FIFO would wait for a writer.
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else {
            throw .invalidConfiguration("cannot open config file \(path): \(String(cString: strerror(errno)))")
        }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            close(descriptor)
            throw .invalidConfiguration("config file \(path) is \(fileKind(info.st_mode)), not a regular file")
        }
        guard let file = fdopen(descriptor, "r") else {
            close(descriptor)
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
        if ferror(file) != 0 {
            throw .invalidConfiguration("cannot read config file \(path): \(String(cString: strerror(errno)))")
        }
        // The TOML parser reads a C string: everything after a NUL would be silently ignored.
        if let nul = text.firstIndex(of: 0) {
            throw .invalidConfiguration("config file \(path) holds a NUL byte at offset \(nul): not a text file")
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
        var spellings: [String: String] = [:]
        for key in table.keys {
            guard let value = table[key] else { continue }
            if let other = spellings.updateValue(key, forKey: key.replacingUnderscores) {
                throw .invalidConfiguration("\(source):\(Self.line(of: key, in: text)): '\(key)' sets the same knob as '\(other)'")
            }
            do throws(ServerError) { try set(key.replacingUnderscores, TOMLConfigValue(key: key, value: value), spelled: key) } catch {
                let why = if case let .invalidConfiguration(why) = error { why } else { error.description }
                throw .invalidConfiguration("\(source):\(Self.line(of: key, in: text)): \(why)")
            }
        }
    }

    /// Overrides knobs by their flag names (`"workers"`, `"allow-uid"`, ...); nil leaves a knob as it
    /// is. `inferd` applies its flags through this after the config file, so flags and config keys
    /// share one name-to-knob table and flags win.
    public mutating func apply(flags: KeyValuePairs<String, FlagValue?>) throws(ServerError) {
        for (name, value) in flags {
            if let value { try set(name, value) }
        }
    }

    private mutating func set(_ key: String, _ value: some ConfigValue, spelled: String? = nil) throws(ServerError) {
        switch key {
        case "socket": socketPath = try value.string()
        case "models": modelsDirectory = try value.string()
        case "workers": workers = try value.int()
        case "max-batch": maxBatch = try value.int()
        case "batch-delay-us": batchDelayMicroseconds = try value.int()
        case "busy-poll-us": busyPollMicroseconds = try value.int()
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
        default: throw .invalidConfiguration("unknown key '\(spelled ?? key)'")
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

/// A knob's value as a flag gives it (already typed by the argument parser).
public enum FlagValue: Sendable {
    case string(String)
    case integer(Int)
    case ids([UInt32])
    case strings([String])
}

/// A value for one knob, converted to the type that knob needs or refused naming what was expected.
private protocol ConfigValue {
    func string() throws(ServerError) -> String
    func int() throws(ServerError) -> Int
    func strings() throws(ServerError) -> [String]
    func ids() throws(ServerError) -> [UInt32]
}

extension FlagValue: ConfigValue {
    fileprivate func string() throws(ServerError) -> String {
        guard case let .string(value) = self else { throw mismatch("a string") }
        return value
    }

    fileprivate func int() throws(ServerError) -> Int {
        guard case let .integer(value) = self else { throw mismatch("an integer") }
        return value
    }

    fileprivate func strings() throws(ServerError) -> [String] {
        guard case let .strings(value) = self else { throw mismatch("a list of strings") }
        return value
    }

    fileprivate func ids() throws(ServerError) -> [UInt32] {
        guard case let .ids(value) = self else { throw mismatch("a list of ids") }
        return value
    }

    private func mismatch(_ expected: String) -> ServerError {
        .invalidConfiguration("flag value \(self) is not \(expected)")
    }
}

/// One parsed TOML value with the key it was given under.
private struct TOMLConfigValue: ConfigValue {
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
