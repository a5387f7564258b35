import Foundation

/// How a ``SQLiteTaskStore`` opens and uses its database file.
public struct SQLiteStoreConfiguration: Sendable {
    /// How long a write waits for another process's write to finish before failing with "database is busy".
    public var busyTimeout: Duration = .seconds(5)
    /// Largest JSON text accepted as a task's arguments.
    public var maximumArgumentsSize: Int = TaskRequest.defaultMaximumArgumentsSize
    /// Open the file read-only (the admin CLI's `show` and `list` on a file it may not write).
    public var readOnly: Bool = false
    /// Whether wake-ups come from watching the WAL file with inotify (the default) or only from polling.
    public var watchesWAL: Bool = true
    /// What an acknowledged enqueue survives: ``SQLiteDurability/full`` (the default) syncs the WAL before
    /// `enqueue` returns, so a power cut loses no accepted task; ``SQLiteDurability/normal`` trades the last
    /// few for about four times the single-enqueue rate. Claims and results always commit with NORMAL.
    public var durability: SQLiteDurability = .full

    public init() {}

    /// The environment variable that sets ``durability`` for the executables that open a store from
    /// `--database` (supervisor, workers, the `offload` CLI): `full` or `normal`.
    public static let durabilityVariable = "OFFLOAD_DURABILITY"

    /// ``durability`` as `OFFLOAD_DURABILITY` sets it in `environment`, `nil` when unset.
    /// - Throws: ``OffloadError`` (invalid configuration) naming the value, when it is neither `full` nor `normal`.
    public static func durability(fromEnvironment environment: [String: String]) throws -> SQLiteDurability? {
        guard let text = environment[durabilityVariable] else { return nil }
        guard let durability = SQLiteDurability(parsing: text) else {
            throw OffloadError(.invalidConfiguration, "\(durabilityVariable)=\(String(reflecting: text)) is not a durability: use full (the default: an acknowledged enqueue survives a power cut) or normal.")
        }
        return durability
    }
}

import Offload
