import ArgumentParser
import Offload

/// `offload show ID`: one result in full, errors and tracebacks included.
struct ShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one task result, with its errors.")

    @OptionGroup var database: DatabaseOptions

    @Argument(help: "The result id that enqueue printed.")
    var id: Int64

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    func run() async throws {
        // Through a listing rather than `record(id:)`, so a row that cannot be read in full is still shown, marked.
        guard let record = try await database.openStore().records(matching: TaskFilter(id: TaskResultID(id), limit: 1)).first else {
            throw OffloadError.resultNotFound(TaskResultID(id))
        }
        print(json ? try RecordFormatting.json(record) : RecordFormatting.detail(record))
    }
}
