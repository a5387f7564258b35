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

    public init() {}
}

import Offload
