import Offload
import OffloadWorker
import Synchronization

/// The schedules in force: set at start, replaced when SIGHUP re-reads the configuration or a rebuild in
/// development mode brings tasks that declare other schedules. The scheduler reads it on every pass.
final class ScheduleBook: Sendable {
    private let tasks: Mutex<[ScheduledTask]>
    /// Rung on every replacement, so a scheduler with nothing to run need not poll.
    let changed = Doorbell()

    init(_ tasks: [ScheduledTask]) {
        self.tasks = Mutex(tasks)
    }

    var current: [ScheduledTask] { tasks.withLock { $0 } }

    /// Puts `new` in force; returns what changed, in words for the log (empty when nothing did).
    @discardableResult
    func replace(with new: [ScheduledTask]) -> [String] {
        let old = tasks.withLock { tasks in
            defer { tasks = new }
            return tasks
        }
        changed.ring()
        return Self.differences(from: old, to: new)
    }

    static func differences(from old: [ScheduledTask], to new: [ScheduledTask]) -> [String] {
        let before = Dictionary(old.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let after = Dictionary(new.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var changes: [String] = []
        for task in new {
            switch before[task.name] {
            case nil: changes.append("added \(task.name) (\(task.schedule.summary))")
            case let previous? where previous != task: changes.append("changed \(task.name) (\(task.schedule.summary))")
            default: break
            }
        }
        for task in old where after[task.name] == nil {
            changes.append("removed \(task.name)")
        }
        return changes
    }
}
