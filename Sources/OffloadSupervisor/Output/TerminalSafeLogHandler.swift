import Offload
public import Logging

/// A log handler that escapes control characters in every message and metadata value before another
/// handler writes them, so that text quoted from outside (a worker's stderr, a task name from the database,
/// a path from the configuration) can neither drive the terminal nor forge a log line.
///
/// A message's own line breaks stay (a build's diagnostics span lines), each further line indented so it
/// cannot pass for a log line; metadata values are put on one line.
///
/// ```swift
/// LoggingSystem.bootstrap { label in TerminalSafeLogHandler(StreamLogHandler.standardError(label: label)) }
/// ```
public struct TerminalSafeLogHandler<Inner: LogHandler>: LogHandler {
    public var inner: Inner

    public init(_ inner: Inner) {
        self.inner = inner
    }

    public var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }

    public var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue }
    }

    public func log(event: LogEvent) {
        var event = event
        event.message = "\(TerminalSafe.escapeLines(event.message.description))"
        event.metadata = event.metadata?.mapValues(Self.escape)
        inner.log(event: event)
    }

    static func escape(_ value: Logger.MetadataValue) -> Logger.MetadataValue {
        switch value {
        case .string(let text): .string(TerminalSafe.escape(text))
        case .stringConvertible(let value): .string(TerminalSafe.escape(value.description))
        case .dictionary(let values): .dictionary(values.mapValues(escape))
        case .array(let values): .array(values.map(escape))
        }
    }
}
