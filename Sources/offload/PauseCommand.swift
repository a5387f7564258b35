import ArgumentParser
import Foundation
import Offload

/// `offload pause QUEUE…`: no worker on any host claims from these queues until `offload resume`.
struct PauseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pause",
        abstract: "Stop every worker from claiming tasks of these queues (enqueueing still works).",
        discussion: "Workers stay up and idle. Once this command returns, no task of these queues starts. Pausing a paused queue changes nothing.")

    @OptionGroup var database: DatabaseOptions

    @Argument(help: "The queues to pause.")
    var queues: [String]

    func validate() throws {
        try QueueArguments.validate(queues)
    }

    func run() async throws {
        let store = try await database.openStore()
        let known = try await QueueArguments.knownQueues(store)
        let pausedBy = QueueArguments.whoAmI()
        for queue in queues {
            let shown = TerminalSafe.escape(queue)
            if try await store.pauseQueue(queue, by: pausedBy, at: Date()) {
                print("paused \(shown)")
            } else {
                let existing = try await store.pausedQueues().first { $0.queueName == queue }
                print("\(shown) was already paused" + (existing.map { " (since \($0.pausedAt.formatted(.iso8601)) by \(TerminalSafe.escape($0.pausedBy)))" } ?? ""))
            }
            if !known.contains(queue) {
                print("note: no task or worker uses the queue \(shown) yet (a typo?); it is paused all the same")
            }
        }
    }
}

/// `offload resume QUEUE…`: workers claim from these queues again at once.
struct ResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Let workers claim tasks of these paused queues again; idle workers wake at once.")

    @OptionGroup var database: DatabaseOptions

    @Argument(help: "The queues to resume.")
    var queues: [String]

    func validate() throws {
        try QueueArguments.validate(queues)
    }

    func run() async throws {
        let store = try await database.openStore()
        for queue in queues {
            let shown = TerminalSafe.escape(queue)
            print(try await store.resumeQueue(queue) ? "resumed \(shown)" : "\(shown) was not paused")
        }
    }
}

/// What `pause` and `resume` share.
enum QueueArguments {
    static func validate(_ queues: [String]) throws {
        guard !queues.isEmpty else { throw ValidationError("Name at least one queue.") }
        for queue in queues {
            if let problem = TaskNames.problem(with: queue, kind: "queue name") { throw ValidationError(problem) }
        }
    }

    /// Queues some task or live worker names: a queue outside it is probably a typo, worth a note.
    static func knownQueues(_ store: any TaskStore) async throws -> Set<String> {
        var known = Set(try await store.counts().map(\.queueName))
        for worker in try await store.workers() {
            known.formUnion(worker.queues.split(separator: ",").map(String.init))
        }
        return known
    }

    /// `user@host`, recorded with the pause so that `offload counts` can say who paused a queue.
    static func whoAmI() -> String {
        let user = ProcessInfo.processInfo.environment["USER"] ?? "uid \(getuid())"
        return "\(user)@\(ProcessInfo.processInfo.hostName)"
    }
}
