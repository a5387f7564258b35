/// One line a child wrote, tagged with the stream it came from. See ``runToCompletion(_:cancellationSignal:onOutputLine:)``.
public struct OutputLine: Sendable, Hashable, CustomStringConvertible {
    /// Which of the child's output streams a line came from.
    public enum Stream: Sendable, Hashable {
        case standardOutput
        case standardError
    }

    public var stream: Stream
    /// The line without its `\n`.
    public var text: String

    public init(_ stream: Stream, _ text: String) {
        self.stream = stream
        self.text = text
    }

    /// The text, prefixed with "stderr: " for standard error.
    public var description: String {
        stream == .standardError ? "stderr: \(text)" : text
    }
}
