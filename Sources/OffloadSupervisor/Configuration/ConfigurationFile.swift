import Foundation

/// The supervisor's configuration file (`/etc/offload/offload.conf` in the systemd unit), parsed but not yet typed.
///
/// The format is deliberately small, so it can be read at a glance and checked strictly:
///
/// ```
/// # A comment takes a whole line.
/// database = /var/lib/offload/offload.sqlite3
/// workers = default=2, email=4
/// graceful-timeout = 30
/// ```
///
/// - One `key = value` per line; the first `=` separates them and whitespace around both is trimmed.
/// - A line whose first non-blank character is `#` is a comment; blank lines are ignored.
///   A `#` after a value is part of the value (paths may contain `#`).
/// - Keys are lowercase with dashes and must be in ``knownKeys``: a typo is an error naming the line,
///   never a silently ignored setting.
///
/// Each key can be overridden by an environment variable, `OFFLOAD_` followed by the key uppercased with dashes
/// as underscores (`graceful-timeout` → `OFFLOAD_GRACEFUL_TIMEOUT`). ``value(for:environment:)`` applies that
/// override; command-line flags, which win over both, are the caller's to apply:
///
/// ```swift
/// let file = try ConfigurationFile(contentsOf: "/etc/offload/offload.conf")
/// let environment = ProcessInfo.processInfo.environment
/// let timeout = try flagValue ?? file.duration(for: "graceful-timeout", environment: environment) ?? .seconds(30)
/// ```
public struct ConfigurationFile: Sendable, Equatable {
    /// One `key = value` line.
    public struct Entry: Sendable, Equatable {
        public let value: String
        /// 1-based line number, for messages.
        public let line: Int

        public init(value: String, line: Int) {
            self.value = value
            self.line = line
        }
    }

    /// Every key the supervisor understands. Anything else in a file is rejected.
    public static let knownKeys: Set<String> = [
        "database", "worker", "worker-product", "queues", "workers", "concurrency",
        "graceful-timeout", "heartbeat-interval", "heartbeat-timeout", "timeout-grace",
        "max-tasks-per-worker", "max-worker-memory", "trim-memory-after", "prefetch-budget",
        "restart-backoff-initial", "restart-backoff-max", "startup-failure-limit", "stale-worker-timeout",
        "control-socket", "reload", "watch", "ignore", "log-color",
        "durability",
    ]

    /// The prefix of every environment variable that overrides a key.
    public static let environmentPrefix = "OFFLOAD_"

    /// The file the entries were read from, as given (used in messages only).
    public let path: String
    /// The entries by key.
    public let entries: [String: Entry]

    /// A file with no entries: every lookup falls through to the environment, then to built-in defaults.
    /// Use it when no configuration file was given.
    public static func empty(path: String = "(no configuration file)") -> Self {
        ConfigurationFile(path: path, entries: [:])
    }

    init(path: String, entries: [String: Entry]) {
        self.path = path
        self.entries = entries
    }

    /// Reads and parses the file at `path`.
    ///
    /// - Throws: ``ConfigurationError`` with code `.unreadableFile` if it cannot be read, or any code
    ///   ``init(parsing:path:)`` throws.
    public init(contentsOf path: String) throws(ConfigurationError) {
        let bytes: [UInt8]
        do {
            bytes = try Self.readBytes(atPath: path)
        } catch {
            throw Self.unreadable(path, error)
        }
        try self.init(parsing: bytes, path: path)
    }

    /// The error for a configuration file that cannot be read.
    static func unreadable(_ path: String, _ error: POSIXError) -> ConfigurationError {
        ConfigurationError(
            .unreadableFile,
            "Cannot read the configuration file \(path): \(String(cString: strerror(error.code.rawValue))). Check the path given to --config and that the service's user may read it.",
            path: path)
    }

    /// Parses configuration text; `path` is used in messages only.
    ///
    /// - Throws: ``ConfigurationError`` with code `.malformedLine`, `.unknownKey`, `.duplicateKey` or `.emptyValue`,
    ///   naming `path` and the line.
    public init(parsing text: String, path: String) throws(ConfigurationError) {
        try self.init(parsing: Array(text.utf8), path: path)
    }

    /// The value of `key`, from the environment if `OFFLOAD_<KEY>` is set there, else from this file.
    ///
    /// An environment variable set to the empty string counts as unset, as systemd's `Environment=KEY=` and an
    /// unexported shell variable both produce one, and neither should wipe a value the file sets.
    /// - Returns: the raw text and its source, or `nil` when neither sets the key (the built-in default applies).
    /// - Precondition: `key` is one of ``knownKeys``; asking for another is a programming error.
    public func value(for key: String, environment: [String: String]) -> (String, source: ConfigurationSource)? {
        precondition(Self.knownKeys.contains(key), "\"\(key)\" is not a known configuration key")
        let variable = Self.environmentVariable(for: key)
        if let value = environment[variable], !value.isEmpty {
            return (value, source: .environment(variable: variable))
        }
        if let entry = entries[key] {
            return (entry.value, source: .file(path: path, line: entry.line))
        }
        return nil
    }

    /// The environment variable that overrides `key`: `graceful-timeout` → `OFFLOAD_GRACEFUL_TIMEOUT`.
    public static func environmentVariable(for key: String) -> String {
        environmentPrefix + key.uppercased().replacingOccurrences(of: "-", with: "_")
    }
}
