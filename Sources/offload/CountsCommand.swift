import ArgumentParser
import Offload

/// `offload counts`: tasks per queue and status.
struct CountsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "counts", abstract: "Count tasks per queue and status.")

    @OptionGroup var database: DatabaseOptions

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    func run() async throws {
        let counts = try await database.openStore().counts()
        if json {
            print(try RecordFormatting.json(counts))
            return
        }
        print(CountsTable.render(counts))
    }
}

enum CountsTable {
    static func render(_ counts: [QueueCounts]) -> String {
        let pad = RecordFormatting.pad
        var lines = [[pad("QUEUE", 16), pad("PENDING", 9), pad("RUNNING", 9), pad("SUCCESSFUL", 11), "FAILED"].joined(separator: " ")]
        for row in counts {
            lines.append([pad(RecordFormatting.text(row.queueName), 16), pad(String(row.pending), 9), pad(String(row.running), 9), pad(String(row.successful), 11), String(row.failed)].joined(separator: " "))
        }
        return lines.joined(separator: "\n")
    }
}
