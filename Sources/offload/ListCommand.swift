import ArgumentParser
import Offload

/// `offload list`: recent tasks, filtered by status, queue or name.
struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List tasks, newest first.")

    @OptionGroup var database: DatabaseOptions

    @Option(name: .long, help: "PENDING, RUNNING, SUCCESSFUL, FAILED or CANCELLED.")
    var status: String?

    @Option(name: .long, help: "Only this queue.")
    var queue: String?

    @Option(name: .long, help: "Only this task name.")
    var task: String?

    @Option(name: .long, help: "At most this many rows.")
    var limit: Int = 50

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    func validate() throws {
        guard limit >= 1 else { throw ValidationError("--limit \(limit): give at least 1.") }
    }

    func run() async throws {
        var parsedStatus: TaskStatus?
        if let status {
            guard let value = TaskStatus(rawValue: status.uppercased()) else {
                throw ValidationError("Unknown status \"\(status)\": use PENDING, RUNNING, SUCCESSFUL, FAILED or CANCELLED.")
            }
            parsedStatus = value
        }
        let records = try await database.openStore().records(matching: TaskFilter(status: parsedStatus, queueName: queue, taskName: task, limit: limit))
        if json {
            print(try RecordFormatting.json(records))
            return
        }
        print(RecordFormatting.rowHeader)
        for record in records { print(RecordFormatting.row(record)) }
    }
}
