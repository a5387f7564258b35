import Foundation

/// A queue with PENDING tasks that no live worker serves: tasks there wait forever, so the supervisor
/// logs it and `supervisor ctl status` and `offload counts` show it.
///
/// "No worker" is judged across hosts, from the registry of workers (`offload_worker`), so a queue served
/// by another supervisor is not reported.
public struct UnservedQueue: Sendable, Equatable, Codable {
    public var queueName: String
    /// PENDING tasks on the queue, delayed ones included.
    public var waiting: Int

    public init(queueName: String, waiting: Int) {
        self.queueName = queueName
        self.waiting = waiting
    }

    /// "3 tasks waiting on queue imagez, which no worker serves", the queue name made safe for a terminal.
    public var message: String {
        "\(waiting) task\(waiting == 1 ? "" : "s") waiting on queue \(TerminalSafe.escape(queueName)), which no worker serves"
    }

    /// How recent a registered worker's heartbeat must be to count as serving: workers record one every 5 s.
    public static let liveHeartbeat: TimeInterval = 15

    /// The queues in `counts` with PENDING tasks and no worker in `workers` whose heartbeat is at most
    /// ``liveHeartbeat`` old and whose queues (`"*"` or a comma list) include it; `alsoServed` adds queues
    /// the caller knows are served (a supervisor's own pools whose workers are still starting).
    public static func find(counts: [QueueCounts], workers: [WorkerRecord], now: Date, alsoServed: Set<String> = []) -> [UnservedQueue] {
        var served = alsoServed
        var servesAll = false
        for worker in workers where now.timeIntervalSince(worker.heartbeatAt) <= liveHeartbeat {
            guard worker.queues != "*" else {
                servesAll = true
                break
            }
            for queue in worker.queues.split(separator: ",") { served.insert(String(queue)) }
        }
        guard !servesAll else { return [] }
        return counts
            .filter { $0.pending > 0 && !served.contains($0.queueName) }
            .map { UnservedQueue(queueName: $0.queueName, waiting: $0.pending) }
            .sorted { $0.queueName < $1.queueName }
    }
}
