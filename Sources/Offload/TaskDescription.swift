import Foundation

/// What `worker --describe-tasks` prints: every registered task with the options it declares.
///
/// The supervisor runs it to learn which queues exist (`--queue-name "*"` serves them all), so that a
/// queue is written once, in the task's options. The format is versioned: a reader refuses a newer one.
///
/// ```json
/// {"version": 1, "tasks": [{"name": "Shop.ResizeImage", "queueName": "images", "priority": 0, "maxAttempts": 3, …}]}
/// ```
public struct TaskDescription: Sendable, Equatable, Codable {
    /// 2 added each task's `schedule`; a version 1 description reads as tasks without schedules.
    public static let currentVersion = 2
    /// The flag that asks a worker executable for it.
    public static let flag = "--describe-tasks"

    public var version: Int
    public var tasks: [TaskDeclaration]

    public init(registry: TaskRegistry) {
        self.init(tasks: registry.declarations)
    }

    public init(tasks: [TaskDeclaration]) {
        self.version = Self.currentVersion
        self.tasks = tasks
    }

    /// The queues the tasks declare, sorted, each once.
    public var queues: [String] {
        Set(tasks.map(\.queueName)).sorted()
    }

    /// - Throws: `EncodingError` for a value JSON cannot hold (a NaN jitter).
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// Reads a description a worker printed; a description from a newer Offload, or not one at all, throws.
    public static func parse(_ text: String) throws -> TaskDescription {
        let description = try JSONDecoder().decode(TaskDescription.self, from: Data(text.utf8))
        guard (1...currentVersion).contains(description.version) else {
            throw TaskDescriptionError("the worker describes its tasks in format version \(description.version), which this program (version \(currentVersion)) does not read: build supervisor and offload from the same Offload version as the worker")
        }
        return description
    }
}

public struct TaskDescriptionError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
