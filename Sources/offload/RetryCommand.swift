import ArgumentParser
import Foundation
import Offload

/// `offload retry ID` puts one FAILED task back in its queue with a fresh set of attempts;
/// `offload retry --queue email --error-type MailError [--dry-run]` does it for every FAILED task matching.
struct RetryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Retry a failed task, or every failed task matching a filter.",
        discussion: """
            With an id, retries that task. With --queue, --task-name, --error-type (the type of its last error), \
            --failed-since and/or --failed-until (ISO 8601 times, or an age such as 30m, 2h, 7d), retries every \
            FAILED task matching all of them; --all retries every FAILED task. --dry-run lists what would be retried.
            """)

    @OptionGroup var database: DatabaseOptions

    @Argument(help: "The failed task's result id.")
    var id: Int64?

    @Option(name: .long, help: "Only tasks of this queue.")
    var queue: String?

    @Option(name: .long, help: "Only tasks of this name.")
    var taskName: String?

    @Option(name: .long, help: "Only tasks whose last error has this type (as `offload show` prints it).")
    var errorType: String?

    @Option(name: .long, help: "Only tasks that failed at or after this time (ISO 8601, or an age: 30m, 2h, 7d).")
    var failedSince: String?

    @Option(name: .long, help: "Only tasks that failed before this time (ISO 8601, or an age: 30m, 2h, 7d).")
    var failedUntil: String?

    @Flag(name: .long, help: "Retry every FAILED task (when no other filter is given).")
    var all = false

    @Flag(name: .long, help: "Only list what would be retried, and how many.")
    var dryRun = false

    private var hasFilter: Bool { queue != nil || taskName != nil || errorType != nil || failedSince != nil || failedUntil != nil }

    func validate() throws {
        if id != nil, hasFilter || all || dryRun {
            throw ValidationError("Give either a task id or filters (--queue, --task-name, --error-type, --failed-since, --failed-until, --all), not both.")
        }
        if id == nil, !hasFilter, !all {
            throw ValidationError("Give a task id, or filters to retry many (--queue, --task-name, --error-type, --failed-since, --failed-until), or --all.")
        }
        _ = try Self.time(failedSince, option: "--failed-since", now: Date())
        _ = try Self.time(failedUntil, option: "--failed-until", now: Date())
    }

    func run() async throws {
        let store = try await database.openStore()
        if let id {
            let record = try await store.retry(id: TaskResultID(id), at: Date())
            // Stored numbers may be anything: subtract without trapping.
            let (left, overflow) = record.retry.maxAttempts.subtractingReportingOverflow(record.attempts)
            print("task \(record.id) (\(RecordFormatting.text(record.taskName))) is \(record.status) again; \(overflow ? "?" : String(left)) attempt(s) left")
            return
        }
        let now = Date()
        let request = BulkRetryRequest(
            queueName: queue, taskName: taskName, errorType: errorType,
            failedSince: try Self.time(failedSince, option: "--failed-since", now: now),
            failedUntil: try Self.time(failedUntil, option: "--failed-until", now: now),
            dryRun: dryRun, now: now)
        let tasks = try await store.retry(matching: request)
        if dryRun {
            for task in tasks {
                print("\(task.id)\t\(RecordFormatting.text(task.taskName))\t\(RecordFormatting.text(task.queueName))")
            }
        }
        print(dryRun ? "would retry \(tasks.count) task(s)" : "retried \(tasks.count) task(s)")
    }

    /// An ISO 8601 time, or an age before `now` (`90s`, `30m`, `2h`, `7d`); never a value that could trap.
    static func time(_ text: String?, option: String, now: Date) throws -> Date? {
        guard let text else { return nil }
        if let date = try? Date.ISO8601FormatStyle().parse(text) { return date }
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) { return date }
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3_600, "d": 86_400]
        if let unit = text.last.flatMap({ units[$0] }), let count = Double(text.dropLast()), count.isFinite, count >= 0, count * unit <= StoredTaskValues.maximumDuration.seconds {
            return now.addingTimeInterval(-count * unit)
        }
        throw ValidationError("\(option) \(text): give an ISO 8601 time (2026-01-31T12:00:00Z) or an age such as 90s, 30m, 2h or 7d (at most 100 years).")
    }
}
