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
        let record = try await database.openStore().record(id: TaskResultID(id))
        print(json ? try RecordFormatting.json(record) : RecordFormatting.detail(record))
    }
}
