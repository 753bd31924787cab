import Logging
import Systemd
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

@Suite struct JournaldLogHandlerTests {
    private func event(
        _ level: Logger.Level = .info, _ message: Logger.Message = "model loaded", metadata: Logger.Metadata? = nil
    ) -> LogEvent {
        LogEvent(
            level: level, message: message, metadata: metadata, source: "Server",
            file: "Server/ModelRegistry.swift", function: "load(path:)", line: 42)
    }

    @Test func fixedFieldsComeFirstInJournaldNames() {
        let handler = JournaldLogHandler(label: "inferd.registry", identifier: "inferd")
        #expect(handler.journalFields(for: event()) == [
            "PRIORITY=6",
            "MESSAGE=model loaded",
            "SYSLOG_IDENTIFIER=inferd",
            "CODE_FILE=Server/ModelRegistry.swift",
            "CODE_LINE=42",
            "CODE_FUNC=load(path:)",
            "LOGGER=inferd.registry",
        ])
    }

    @Test func metadataKeysBecomeUpperCasedFieldsSortedByName() {
        let handler = JournaldLogHandler(label: "inferd", identifier: "inferd")
        let fields = handler.journalFields(for: event(metadata: ["request_id": "r-17", "model": "cnn", "batch": .stringConvertible(4)]))
        #expect(Array(fields.dropFirst(7)) == ["BATCH=4", "MODEL=cnn", "REQUEST_ID=r-17"])
    }

    @Test func eventMetadataOverridesProviderWhichOverridesHandlerMetadata() {
        var handler = JournaldLogHandler(
            label: "inferd", identifier: "inferd",
            metadataProvider: Logger.MetadataProvider { ["worker": "2", "model": "from-provider"] })
        handler[metadataKey: "model"] = "from-handler"
        handler[metadataKey: "socket"] = "/run/inferd.sock"
        let fields = handler.journalFields(for: event(metadata: ["worker": "1"]))
        #expect(Array(fields.dropFirst(7)) == ["MODEL=from-provider", "SOCKET=/run/inferd.sock", "WORKER=1"])
    }

    @Test func multiLineMessagesStayOneField() {
        let handler = JournaldLogHandler(label: "inferd", identifier: "inferd")
        let fields = handler.journalFields(for: event(.error, "reload failed\ncnn.inferd: truncated"))
        #expect(fields[0] == "PRIORITY=3")
        #expect(fields[1] == "MESSAGE=reload failed\ncnn.inferd: truncated")
    }

    @Test func errorsAttachedToTheEventAreAField() {
        let handler = JournaldLogHandler(label: "inferd", identifier: "inferd")
        var withError = event(.error)
        withError.error = SystemdError.notUnixStreamListener(fd: 3)
        #expect(handler.journalFields(for: withError).contains(
            "ERROR=inherited fd 3 is not a listening Unix stream socket; expected ListenStream=/path in the .socket unit"))
    }

    @Test(arguments: [
        (Logger.Level.trace, 7), (.debug, 7), (.info, 6), (.notice, 5), (.warning, 4), (.error, 3), (.critical, 2),
    ])
    func levelsMapToSyslogPriorities(level: Logger.Level, priority: Int) {
        #expect(JournaldLogHandler.priority(level) == priority)
    }

    @Test(arguments: [
        ("model", "MODEL"),
        ("request-id", "REQUEST_ID"),
        ("http.status", "HTTP_STATUS"),
        ("_PID", "META__PID"),
        ("2xx", "META_2XX"),
        ("message", "META_MESSAGE"),
        ("priority", "META_PRIORITY"),
        ("", "META_"),
        ("modèle", "MOD_LE"),
    ])
    func metadataKeysBecomeValidJournalFieldNames(key: String, field: String) {
        #expect(JournaldLogHandler.fieldName(forMetadataKey: key) == field)
    }

    @Test func longKeysAreCutToJournaldsSixtyFourByteLimit() {
        let name = JournaldLogHandler.fieldName(forMetadataKey: String(repeating: "k", count: 100))
        #expect(name == String(repeating: "K", count: 64))
    }

    @Test func handlerMetadataAndLevelBehaveAsValues() {
        var first = JournaldLogHandler(label: "inferd", identifier: "inferd")
        first.logLevel = .debug
        var second = first
        second.logLevel = .error
        second[metadataKey: "model"] = "cnn"
        #expect(first.logLevel == .debug)
        #expect(first[metadataKey: "model"] == nil)
        #expect(second[metadataKey: "model"] == "cnn")
    }
}

@Suite struct JournalStreamDetectionTests {
    private func deviceAndInode(of fd: Int32) -> String {
        var status = stat()
        fstat(fd, &status)
        return "\(status.st_dev):\(status.st_ino)"
    }

    @Test func aDescriptorMatchingJournalStreamIsTheJournal() throws {
        let fd = open("/tmp", O_RDONLY | O_DIRECTORY)
        try #require(fd >= 0)
        defer { close(fd) }
        #expect(LogSetup.descriptor(fd, matchesJournalStream: deviceAndInode(of: fd)))
    }

    @Test func anotherStreamOrNoJournalStreamIsNotTheJournal() throws {
        let tmp = open("/tmp", O_RDONLY | O_DIRECTORY)
        let root = open("/", O_RDONLY | O_DIRECTORY)
        try #require(tmp >= 0 && root >= 0)
        defer { close(tmp); close(root) }
        #expect(!LogSetup.descriptor(tmp, matchesJournalStream: deviceAndInode(of: root)))
        #expect(!LogSetup.descriptor(tmp, matchesJournalStream: nil))
    }

    @Test(arguments: ["", "12", "12:", ":34", "a:b", "1:2:3"])
    func malformedJournalStreamIsNotTheJournal(value: String) throws {
        let fd = open("/tmp", O_RDONLY | O_DIRECTORY)
        try #require(fd >= 0)
        defer { close(fd) }
        #expect(!LogSetup.descriptor(fd, matchesJournalStream: value))
    }
}
