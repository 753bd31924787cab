import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Installs the process-wide swift-log backend: journald under systemd, stderr otherwise.
public enum LogSetup {
    /// Bootstraps `LoggingSystem` once per process. Under systemd (stderr is the stream named by
    /// `JOURNAL_STREAM`) every logger writes structured journald entries with
    /// `SYSLOG_IDENTIFIER=label`; elsewhere it writes plain lines to stderr.
    public static func bootstrap(label: String, level: Logger.Level = .info) {
        let useJournal = stderrIsJournal()
        LoggingSystem.bootstrap { loggerLabel in
            var handler: any LogHandler =
                useJournal
                ? JournaldLogHandler(label: loggerLabel, identifier: label)
                : StreamLogHandler.standardError(label: loggerLabel)
            handler.logLevel = level
            return handler
        }
    }

    /// Whether this process's stderr is connected to journald, per `JOURNAL_STREAM`.
    public static func stderrIsJournal() -> Bool {
        let variable = getenv("JOURNAL_STREAM").map { String(cString: $0) }
        return descriptor(STDERR_FILENO, matchesJournalStream: variable)
    }

    /// Whether `fd` is the stream `JOURNAL_STREAM` (`"<st_dev>:<st_ino>"`, decimal) names;
    /// systemd sets it when stdout or stderr goes to the journal, see `systemd.exec(5)`.
    public static func descriptor(_ fd: Int32, matchesJournalStream value: String?) -> Bool {
        guard let value else { return false }
        let parts = value.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return false }
        var status = stat()
        guard fstat(fd, &status) == 0 else { return false }
        return UInt64(status.st_dev) == device && UInt64(status.st_ino) == inode
    }
}
