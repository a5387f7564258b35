/// One column of a stored task that Offload cannot use: a value of the wrong type, malformed JSON, or a
/// number outside what Offload ever writes (a hand edit, a bad migration, a damaged file).
///
/// A claim fails such a task on its own with this in its error; listings show the rest of the row and
/// mark the column (``TaskRecord/unreadableColumns``).
public struct StoredValueProblem: Error, Sendable, Equatable, Codable, CustomStringConvertible {
    /// The database column, as the schema names it (`run_after`, `worker_ids`…).
    public var column: String
    /// What is wrong with the value, quoting it (escaped and shortened).
    public var reason: String

    public init(column: String, reason: String) {
        self.column = column
        self.reason = reason
    }

    public var description: String { "\(column): \(reason)" }
}
