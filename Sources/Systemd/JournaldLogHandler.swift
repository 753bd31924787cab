import CSystemd
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A swift-log handler writing structured entries to journald with `sd_journal_sendv(3)`.
///
/// Each entry carries `PRIORITY`, `MESSAGE`, `SYSLOG_IDENTIFIER`, `CODE_FILE`, `CODE_LINE`,
/// `CODE_FUNC`, `LOGGER` (the logger's label) and every metadata key as an upper-cased journal
/// field, so `journalctl -u inferd MODEL=cnn` finds one model's lines.
public struct JournaldLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public var logLevel: Logger.Level = .info
    /// The logger's label, e.g. `inferd.server`.
    public let label: String
    /// `SYSLOG_IDENTIFIER`, the name `journalctl -t` and the default output show.
    public let identifier: String

    public init(label: String, identifier: String, metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.identifier = identifier
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let fields = journalFields(for: event)
        if JournalEntry.send(fields) < 0 {
            // journald is gone (e.g. being restarted): keep the line on stderr, which systemd
            // connected to the journal stream anyway.
            let line = Array("<\(Self.priority(event.level))>\(event.message)\n".utf8)
            _ = line.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
        }
    }

    /// The `NAME=value` fields `log(event:)` sends, fixed fields first, then metadata by name.
    /// Metadata from the handler, its provider and the event merge in that order (later wins).
    public func journalFields(for event: LogEvent) -> [String] {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let own = event.metadata { merged.merge(own) { _, new in new } }

        var fields = [
            "PRIORITY=\(Self.priority(event.level))",
            "MESSAGE=\(event.message)",
            "SYSLOG_IDENTIFIER=\(identifier)",
            "CODE_FILE=\(event.file)",
            "CODE_LINE=\(event.line)",
            "CODE_FUNC=\(event.function)",
            "LOGGER=\(label)",
        ]
        if let error = event.error { fields.append("ERROR=\(error)") }
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) {
            fields.append("\(Self.fieldName(forMetadataKey: key))=\(value)")
        }
        return fields
    }

    /// syslog priority (0 emerg … 7 debug) for a swift-log level.
    public static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    /// A valid journal field name for a metadata key: upper-cased, characters outside
    /// `[A-Z0-9_]` replaced by `_`, at most 64 bytes; a name journald would reject (leading `_`
    /// or digit) or one that collides with a fixed field gets the prefix `META_`.
    public static func fieldName(forMetadataKey key: String) -> String {
        var name = String(key.uppercased().unicodeScalars.map { scalar -> Character in
            switch scalar {
            case "A"..."Z", "0"..."9", "_": Character(scalar)
            default: "_"
            }
        })
        if name.isEmpty || name.first == "_" || name.first!.isNumber || reservedFieldNames.contains(name) {
            name = "META_" + name
        }
        return String(name.prefix(64))
    }

    private static let reservedFieldNames: Set<String> = [
        "PRIORITY", "MESSAGE", "SYSLOG_IDENTIFIER", "CODE_FILE", "CODE_LINE", "CODE_FUNC", "LOGGER", "ERROR",
    ]
}
