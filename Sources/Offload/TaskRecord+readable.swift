extension TaskRecord {
    /// The record, or an error naming each column that could not be read: for callers that act on the
    /// values (an app's ``TaskResult``) rather than show them, as `offload list` does.
    /// - Throws: ``OffloadError/Code/invalidStoredRow`` when ``unreadableColumns`` is not empty.
    public func readable() throws(OffloadError) -> TaskRecord {
        guard unreadableColumns.isEmpty else {
            throw OffloadError(.invalidStoredRow, "Task \(id) has values in the database that Offload cannot read: \(unreadableColumns.map(\.description).joined(separator: "; ")). `offload show \(id)` shows the rest of the row.")
        }
        return self
    }
}
