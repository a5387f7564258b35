import Foundation
import Offload

/// A schedule the supervisor runs: what to enqueue at each slot.
struct ScheduledTask: Sendable, Equatable {
    /// The key of its slots: the task's name for a schedule declared in code, `NAME` for `schedule.NAME`.
    var name: String
    var schedule: TaskSchedule
    var request: TaskRequest
}

enum SchedulePlan {
    /// The schedules the worker's tasks declare plus those of the configuration file.
    ///
    /// - Throws: ``ConfigurationError`` naming the file and line for a configured schedule whose task the
    ///   worker does not register, or any configured schedule when the worker could not describe its tasks.
    static func resolve(configured: [ConfiguredSchedule], description: TaskDescription?) throws(ConfigurationError) -> [ScheduledTask] {
        var plan: [ScheduledTask] = []
        let declarations = Dictionary((description?.tasks ?? []).map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for declaration in declarations.values.sorted(by: { $0.name < $1.name }) {
            guard let declared = declaration.schedule else { continue }
            let schedule: TaskSchedule
            do {
                schedule = try declared.schedule()
            } catch {
                throw ConfigurationError(.invalidValue, "The worker declares an invalid schedule for \(declaration.name): \(error).")
            }
            plan.append(ScheduledTask(name: declaration.name, schedule: schedule, request: request(declaration, arguments: schedule.arguments, queue: nil, priority: nil)))
        }
        for entry in configured {
            guard let description else {
                throw .atLine(.invalidValue, path: entry.path, line: entry.line, "schedule \"\(entry.name)\": the worker did not describe its tasks (see the error above), so the task name \(entry.taskName) cannot be checked; fix the worker or remove the schedule.")
            }
            guard let declaration = declarations[entry.taskName] else {
                let known = description.tasks.map(\.name).sorted().joined(separator: ", ")
                throw .atLine(.invalidValue, path: entry.path, line: entry.line, "schedule \"\(entry.name)\": the worker registers no task named \(entry.taskName) (it registers: \(known.isEmpty ? "none" : known)).")
            }
            guard !plan.contains(where: { $0.name == entry.name }) else {
                throw .atLine(.invalidValue, path: entry.path, line: entry.line, "schedule \"\(entry.name)\": a task's own schedule already has that name; choose another.")
            }
            let request = request(declaration, arguments: entry.schedule.arguments, queue: entry.queueName, priority: entry.priority)
            do {
                try request.validate()
            } catch {
                throw .atLine(.invalidValue, path: entry.path, line: entry.line, "schedule \"\(entry.name)\": \(error)")
            }
            plan.append(ScheduledTask(name: entry.name, schedule: entry.schedule, request: request))
        }
        return plan
    }

    private static func request(_ declaration: TaskDeclaration, arguments: String, queue: String?, priority: Int?) -> TaskRequest {
        var options = declaration.options
        if let queue { options.queueName = queue }
        if let priority { options.priority = priority }
        return TaskRequest(taskName: declaration.name, queueName: options.queueName, priority: options.priority, backend: options.backend, arguments: arguments, retry: options.retry, timeout: options.timeout)
    }
}
