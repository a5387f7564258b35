import ArgumentParser
import Foundation
import Offload

/// `offload status`: the registered workers and each queue's counts.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show workers (queue, pid, state, current tasks, last heartbeat, tasks done) and queue counts.")

    @OptionGroup var database: DatabaseOptions

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    struct Status: Encodable {
        var workers: [WorkerRecord]
        var queues: [QueueCounts]
    }

    func run() async throws {
        let store = try await database.openStore()
        let status = Status(workers: try await store.workers(), queues: try await store.counts())
        if json {
            print(try RecordFormatting.json(status))
            return
        }
        let pad = RecordFormatting.pad
        print([pad("WORKER", 28), pad("QUEUES", 14), pad("PID", 8), pad("STATE", 9), pad("CURRENT", 12), pad("DONE", 7), "HEARTBEAT"].joined(separator: " "))
        for worker in status.workers {
            let current = worker.currentTaskIDs.isEmpty ? "-" : worker.currentTaskIDs.map(\.description).joined(separator: ",")
            let age = String(format: "%.1fs ago", Date().timeIntervalSince(worker.heartbeatAt))
            let text = RecordFormatting.text
            print([pad(text(worker.id), 28), pad(text(worker.queues), 14), pad(String(worker.pid), 8), pad(text(worker.state), 9), pad(current, 12), pad(String(worker.tasksDone), 7), age].joined(separator: " "))
        }
        if status.workers.isEmpty { print("(no workers registered)") }
        print("")
        let paused = try await store.pausedQueues()
        print(CountsTable.render(status.queues, unserved: UnservedQueue.find(counts: status.queues, workers: status.workers, now: Date(), alsoServed: Set(paused.map(\.queueName))), paused: paused))
    }
}
