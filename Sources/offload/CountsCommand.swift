import ArgumentParser
import Foundation
import Offload

/// `offload counts`: tasks per queue and status.
struct CountsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "counts", abstract: "Count tasks per queue and status.")

    @OptionGroup var database: DatabaseOptions

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    func run() async throws {
        let store = try await database.openStore()
        let counts = try await store.counts()
        if json {
            print(try RecordFormatting.json(counts))
            return
        }
        let paused = try await store.pausedQueues()
        let unserved = UnservedQueue.find(counts: counts, workers: try await store.workers(), now: Date(), alsoServed: Set(paused.map(\.queueName)))
        print(CountsTable.render(counts, unserved: unserved, paused: paused))
    }
}

enum CountsTable {
    /// The table; a queue in `unserved` is marked on its row and explained below the table.
    /// A queue in `paused` is marked `[paused]` (a paused queue without tasks gets a row of its own).
    static func render(_ counts: [QueueCounts], unserved: [UnservedQueue] = [], paused: [PausedQueue] = []) -> String {
        let unservedNames = Set(unserved.map(\.queueName))
        let pausedNames = Set(paused.map(\.queueName))
        let counts = (counts + paused.filter { name in !counts.contains { $0.queueName == name.queueName } }.map { QueueCounts(queueName: $0.queueName) })
            .sorted { $0.queueName < $1.queueName }
        let pad = RecordFormatting.pad
        var lines = [[pad("QUEUE", 16), pad("PENDING", 9), pad("RUNNING", 9), pad("SUCCESSFUL", 11), pad("FAILED", 9), "CANCELLED"].joined(separator: " ")]
        for row in counts {
            lines.append([pad(RecordFormatting.text(row.queueName), 16), pad(String(row.pending), 9), pad(String(row.running), 9), pad(String(row.successful), 11), pad(String(row.failed), 9), String(row.cancelled)].joined(separator: " ")
                + (unservedNames.contains(row.queueName) ? "  [no worker]" : "")
                + (pausedNames.contains(row.queueName) ? "  [paused]" : ""))
        }
        for queue in unserved {
            lines.append("warning: \(queue.message)")
        }
        return lines.joined(separator: "\n")
    }
}
