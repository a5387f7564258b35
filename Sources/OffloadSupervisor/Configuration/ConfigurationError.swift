/// A configuration file, environment variable or value the supervisor cannot use.
///
/// The message names where the bad value came from (file and line, or environment variable) and
/// what a valid one looks like, so an operator can fix it without reading the source:
///
/// ```
/// /etc/offload/offload.conf:12: unknown key "graceful_timeout" (did you mean "graceful-timeout"?).
/// ```
///
/// Compare codes with the static members: `catch let error as ConfigurationError where error.code == .unknownKey`.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure; new codes may be added, so switch with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Value: String {
            case unreadableFile, untrustedFile, invalidEncoding, malformedLine, unknownKey, duplicateKey, emptyValue, invalidValue
        }
        fileprivate let value: Value
        public var description: String { value.rawValue }

        /// The file could not be read (missing, permissions).
        public static let unreadableFile = Code(value: .unreadableFile)
        /// The file could have been written by another user (it is theirs, or group- or world-writable), and it
        /// names the program the supervisor runs: it is not read.
        public static let untrustedFile = Code(value: .untrustedFile)
        /// A line is not valid UTF-8.
        public static let invalidEncoding = Code(value: .invalidEncoding)
        /// A line is neither blank, a comment, nor `key = value`.
        public static let malformedLine = Code(value: .malformedLine)
        /// A key the supervisor does not know: almost always a typo, so it is an error, not a warning.
        public static let unknownKey = Code(value: .unknownKey)
        /// The same key appears twice in one file.
        public static let duplicateKey = Code(value: .duplicateKey)
        /// `key =` with nothing after it.
        public static let emptyValue = Code(value: .emptyValue)
        /// A value that does not parse as what the key needs (duration, number, boolean, per-queue counts…).
        public static let invalidValue = Code(value: .invalidValue)
    }

    public let code: Code
    /// A sentence saying what went wrong, where, and how to fix it.
    public let message: String
    /// The configuration file involved, if any.
    public let path: String?
    /// The 1-based line in ``path``, if the error is about one line.
    public let line: Int?
    /// Whether a command-line flag is at fault: a usage error (exit 64) rather than a configuration error (78).
    public let isUsageError: Bool

    public init(_ code: Code, _ message: String, path: String? = nil, line: Int? = nil, isUsageError: Bool = false) {
        self.code = code
        self.message = message
        self.path = path
        self.line = line
        self.isUsageError = isUsageError
    }

    public var description: String { message }
}

extension ConfigurationError {
    /// Prefixes `message` with `path:line: `, the shape compilers use, so editors and terminals can jump to it.
    static func atLine(_ code: Code, path: String, line: Int, _ message: String) -> Self {
        ConfigurationError(code, "\(path):\(line): \(message)", path: path, line: line)
    }

    /// A value that does not parse, naming the key, where the value came from and what was expected.
    static func invalidValue(_ text: String, key: String, source: ConfigurationSource, expected: String) -> Self {
        let location: (path: String?, line: Int?) =
            if case .file(let path, let line) = source { (path, line) } else { (nil, nil) }
        let isUsageError = if case .commandLine = source { true } else { false }
        return ConfigurationError(
            .invalidValue, "Invalid value \"\(text)\" for \(key) (from \(source)): expected \(expected).",
            path: location.path, line: location.line, isUsageError: isUsageError)
    }
}
