import Foundation

extension TaskResult {
    /// The typed result of `record`, once it is known to be a result of `Task`.
    ///
    /// An id is only a number: one taken from another task's result would otherwise fail much later,
    /// as a return value that does not decode, without saying whose result it was.
    /// - Throws: ``OffloadError/Code/resultOfAnotherTask`` naming the task the id belongs to.
    init(checking record: TaskRecord, backend: any TaskBackend) throws(OffloadError) {
        guard record.taskName == Task.name else {
            throw .resultOfAnotherTask(record.id, belongsTo: record.taskName, requestedAs: Task.name)
        }
        self.init(record: record, backend: backend)
    }
}

extension OffloadError {
    static func resultOfAnotherTask(_ id: TaskResultID, belongsTo storedName: String, requestedAs requested: String) -> Self {
        let owner = TerminalSafe.escape(storedName)
        return OffloadError(.resultOfAnotherTask, "Task result \(id) belongs to task \(owner), not \(requested): read it through the task type named \(owner), or check where this id came from.")
    }
}
