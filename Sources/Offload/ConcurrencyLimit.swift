import Foundation

/// At most `limit` tasks sharing a key RUNNING at once, across every worker and host.
///
/// The key is the task's name (`.taskName`: at most N of this task), a fixed string (`.key("customer-42")`,
/// shared by any tasks that name it), or taken from argument fields (`.arguments(["customerID"])`: at most N
/// per customer). Tasks over the limit stay PENDING and are claimed when a slot frees; they are never failed.
public struct ConcurrencyLimit: Sendable, Equatable {
    public enum Key: Sendable, Equatable {
        /// The task's name: at most `limit` of this task at once.
        case taskName
        /// A fixed key: every task with this key shares the limit, whatever its name.
        case key(String)
        /// The task's name and the values of these top-level argument fields: at most `limit` per value.
        case arguments([String])
    }

    /// The largest limit accepted: beyond it, a limit means nothing on any deployment.
    public static let maximumLimit = 100_000

    public var limit: Int
    public var key: Key

    public init(limit: Int, key: Key = .taskName) {
        self.limit = limit
        self.key = key
    }

    /// The key and limit a store writes on the task's row.
    public struct Resolved: Sendable, Equatable {
        public var key: String
        public var limit: Int

        public init(key: String, limit: Int) {
            self.key = key
            self.limit = limit
        }

        /// Why the store must refuse this pair, or `nil` when it may store it.
        public var problem: String? {
            guard (1...ConcurrencyLimit.maximumLimit).contains(limit) else {
                return "concurrency limit \(limit) is outside 1…\(ConcurrencyLimit.maximumLimit)"
            }
            return TaskNames.problem(with: key, kind: "concurrency key")
        }
    }

    /// The key this limit gives a task named `taskName` with these JSON arguments.
    /// - Throws: ``OffloadError/Code/invalidOption`` when a named argument field is missing.
    public func resolved(taskName: String, arguments: String) throws(OffloadError) -> Resolved {
        switch key {
        case .taskName:
            return Resolved(key: taskName, limit: limit)
        case .key(let key):
            return Resolved(key: key, limit: limit)
        case .arguments(let fields):
            let object = (try? JSONSerialization.jsonObject(with: Data(arguments.utf8), options: [.fragmentsAllowed])) as? [String: Any]
            var parts = [taskName]
            for field in fields {
                guard let value = object?[field],
                      let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .sortedKeys]) else {
                    throw .invalidOption(task: taskName, "the concurrency key names the argument \(StoredTaskValues.quoted(field)), which the arguments do not have")
                }
                parts.append("\(field)=\(String(decoding: data, as: UTF8.self))")
            }
            return Resolved(key: parts.joined(separator: " "), limit: limit)
        }
    }
}
