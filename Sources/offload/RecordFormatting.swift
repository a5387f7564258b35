import Foundation
import Offload

/// Plain-text views of records for the terminal. Every stored text goes through ``text(_:)``: a newline or
/// an escape code in a name or a message must not forge a row or drive the terminal.
enum RecordFormatting {
    static func text(_ value: String) -> String {
        TerminalSafe.escape(value)
    }

    static func timestamp(_ date: Date?) -> String {
        guard let date else { return "-" }
        return date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).dateSeparator(.dash).timeSeparator(.colon))
    }

    static func detail(_ record: TaskRecord) -> String {
        var lines = [
            "id:                \(record.id)",
            "task:              \(text(record.taskName))",
            "queue:             \(text(record.queueName))",
            "backend:           \(text(record.backend))",
            "priority:          \(record.priority)",
            "status:            \(record.status)",
            "attempts:          \(record.attempts) of \(record.retry.maxAttempts)",
            "arguments:         \(text(record.arguments))",
            "return value:      \(record.returnValue.map(text) ?? "-")",
            "enqueued at:       \(timestamp(record.enqueuedAt))",
            "run after:         \(timestamp(record.runAfter))",
            "started at:        \(timestamp(record.startedAt))",
            "last attempted at: \(timestamp(record.lastAttemptedAt))",
            "finished at:       \(timestamp(record.finishedAt))",
            "timeout:           \(record.timeout.map { "\($0)" } ?? "-")",
            "workers:           \(record.workerIDs.isEmpty ? "-" : record.workerIDs.map(text).joined(separator: ", "))",
        ]
        if let requested = record.cancelRequestedAt {
            lines.append("cancelled:         at \(timestamp(requested)) by \(record.cancelledBy.map(text) ?? "?")")
        }
        if record.errors.isEmpty {
            lines.append("errors:            -")
        } else {
            lines.append("errors:")
            for error in record.errors {
                lines.append("  - attempt \(error.attempt) on \(error.workerID.map(text) ?? "?") at \(timestamp(error.failedAt))")
                lines.append("    \(text(error.exceptionType)): \(text(error.message))")
                if let traceback = error.traceback {
                    lines.append(contentsOf: traceback.split(separator: "\n", omittingEmptySubsequences: false).map { "    | \(text(String($0)))" })
                }
            }
        }
        if !record.unreadableColumns.isEmpty {
            lines.append("unreadable:        the database holds values Offload cannot use; the fields above show placeholders for them")
            for problem in record.unreadableColumns {
                lines.append("  - \(problem.column): \(text(problem.reason))")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// Names the columns of a row that could not be read, after the task name in a listing.
    static func unreadableMark(_ record: TaskRecord) -> String {
        record.unreadableColumns.isEmpty ? "" : "  [unreadable: \(record.unreadableColumns.map(\.column).joined(separator: ", "))]"
    }

    static func row(_ record: TaskRecord) -> String {
        [
            pad(String(record.id.rawValue), 8), pad(record.status.rawValue, 11), pad(text(record.queueName), 10),
            pad(String(record.priority), 5), pad("\(record.attempts)/\(record.retry.maxAttempts)", 6),
            pad(timestamp(record.enqueuedAt), 25), text(record.taskName) + unreadableMark(record),
        ].joined(separator: " ")
    }

    static let rowHeader = [pad("ID", 8), pad("STATUS", 11), pad("QUEUE", 10), pad("PRIO", 5), pad("TRIES", 6), pad("ENQUEUED", 25), "TASK"].joined(separator: " ")

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    static func json<Value: Encodable>(_ value: Value) throws -> String {
        let encoder = TaskJSON.encoder()
        encoder.outputFormatting.insert(.prettyPrinted)
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
