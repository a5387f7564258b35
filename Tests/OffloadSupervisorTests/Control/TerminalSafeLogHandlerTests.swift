import Logging
import OffloadSupervisor
import Synchronization
import Offload
import Testing

/// What a ``RecordingLogHandler`` was asked to log.
private final class LoggedEvents: Sendable {
    let events = Mutex<[(message: String, metadata: Logger.Metadata)]>([])
}

/// Keeps what it is asked to log, for assertions.
private struct RecordingLogHandler: LogHandler {
    let events: LoggedEvents
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(event: LogEvent) {
        events.events.withLock { $0.append((event.message.description, event.metadata ?? [:])) }
    }
}

@Suite("The supervisor's log escapes what came from outside")
struct TerminalSafeLogHandlerTests {
    @Test("a task name or a worker's stderr in a message or in metadata reaches the log escaped, and cannot start a line")
    func messagesAndMetadataAreEscaped() {
        let recorder = RecordingLogHandler(events: LoggedEvents())
        let logger = Logger(label: "test") { _ in TerminalSafeLogHandler(recorder) }
        let taskName = "send\u{1B}[2J\nsupervisor: all good"
        logger.warning("recovered task #1 \(taskName)", metadata: ["stderr": "boom\r\u{1B}]0;x\u{07}", "nested": ["a\u{9B}"]])

        let event = recorder.events.events.withLock { $0 }.first
        #expect(event?.message == "recovered task #1 send\\x1b[2J\n    supervisor: all good")
        #expect(event?.metadata["stderr"]?.description == "boom\\r\\x1b]0;x\\x07")
        guard case .array(let nested) = event?.metadata["nested"], case .string(let item) = nested.first else {
            Issue.record("nested metadata lost: \(String(describing: event?.metadata))")
            return
        }
        #expect(item == #"a\x9b"#)
    }
}
