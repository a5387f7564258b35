import Foundation
import Offload

extension TaskListQuery {
    /// Reads the task list's filters from query parameters (or a bulk request's filter), refusing what is malformed.
    ///
    /// `status` (comma-separated), `queue`, `task`, `from` and `to` (ISO 8601), `q` (text in arguments),
    /// `before` (the cursor: a task id), `limit` (1–1000).
    init(parameters: [String: String]) throws(ConsoleInputError) {
        self.init()
        for (key, value) in parameters where !value.isEmpty {
            switch key {
            case "status":
                for word in value.split(separator: ",") {
                    guard let status = TaskStatus(rawValue: word.trimmingCharacters(in: .whitespaces).uppercased()) else {
                        throw ConsoleInputError("status \"\(word)\" is not one of \(TaskStatus.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                    statuses.insert(status)
                }
            case "queue": queueName = value
            case "task": taskName = value
            case "q": argumentsContain = value
            case "from": enqueuedFrom = try Self.date(value, key)
            case "to": enqueuedBefore = try Self.date(value, key)
            case "before":
                guard let id = TaskResultID(value) else { throw ConsoleInputError("before \"\(value)\" is not a task id") }
                before = id
            case "limit":
                guard let number = Int(value), (1...1000).contains(number) else { throw ConsoleInputError("limit \"\(value)\" is not a number from 1 to 1000") }
                limit = number
            default:
                throw ConsoleInputError("unknown filter \"\(key)\": use status, queue, task, from, to, q, before, limit")
            }
        }
    }

    private static func date(_ text: String, _ key: String) throws(ConsoleInputError) -> Date {
        let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        if let date = try? Date(text, strategy: .iso8601) { return date }
        if let date = try? Date(text, strategy: withFraction) { return date }
        // A date alone (what an HTML date input sends) means midnight UTC.
        if let date = try? Date(text + "T00:00:00Z", strategy: .iso8601) { return date }
        throw ConsoleInputError("\(key) \"\(text)\" is not an ISO 8601 date (2026-01-31 or 2026-01-31T12:00:00Z)")
    }

    /// The query parameters that give this filter back (no cursor, no limit): for links and bulk actions.
    var parameters: [(String, String)] {
        var list: [(String, String)] = []
        if !statuses.isEmpty { list.append(("status", statuses.map(\.rawValue).sorted().joined(separator: ","))) }
        if let queueName { list.append(("queue", queueName)) }
        if let taskName { list.append(("task", taskName)) }
        if let enqueuedFrom { list.append(("from", enqueuedFrom.formatted(.iso8601))) }
        if let enqueuedBefore { list.append(("to", enqueuedBefore.formatted(.iso8601))) }
        if let argumentsContain { list.append(("q", argumentsContain)) }
        return list
    }
}

/// Input the console refuses: answered with 400 and the message.
struct ConsoleInputError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}
