import Offload
import Foundation

/// The text form of `supervisor ctl status`: the answer's message, a table of queues and one of workers.
///
/// Every string in it came over the socket (queue names from the configuration, halt reasons quoting a
/// worker's stderr, worker ids), so each is printed through ``TerminalSafe``.
public enum StatusTable {
    /// What `ctl` prints for `response`: its message, then the status tables if it carries a status.
    public static func render(_ response: ControlResponse) -> String {
        ([TerminalSafe.escape(response.message)] + (response.status.map { [render($0)] } ?? [])).joined(separator: "\n")
    }

    public static func render(_ status: SupervisorStatus) -> String {
        func pad(_ text: String, _ width: Int) -> String { text.count >= width ? text : text + String(repeating: " ", count: width - text.count) }
        func safe(_ text: some StringProtocol) -> String { TerminalSafe.escape(text) }
        var lines = ["supervisor \(status.pid): \(safe(status.phase))", ""]
        lines.append([pad("QUEUE", 14), pad("WORKERS", 9), "STATE"].joined(separator: " "))
        for queue in status.queues {
            lines.append([pad(safe(queue.name), 14), pad("\(queue.running)/\(queue.target)", 9), queue.halted.map { "HALTED: \(safe($0))" } ?? "ok"].joined(separator: " "))
        }
        for paused in status.pausedQueues ?? [] {
            lines.append("paused: queue \(safe(paused)) (offload resume \(safe(paused)) lets workers claim its tasks again)")
        }
        for unserved in status.unservedQueues ?? [] {
            lines.append("warning: \(unserved.message)")
        }
        lines.append("")
        lines.append([pad("WORKER", 12), pad("PID", 8), pad("STATE", 9), pad("TASKS", 14), pad("DONE", 7), "HEARTBEAT"].joined(separator: " "))
        for worker in status.workers {
            let label = worker.id.split(separator: "#").first.map(String.init) ?? worker.id
            let tasks = worker.currentTasks.isEmpty ? "-" : worker.currentTasks.map { "#\($0)" }.joined(separator: ",")
            let heartbeat = worker.secondsSinceHeartbeat.isFinite ? String(format: "%.1fs ago", worker.secondsSinceHeartbeat) : "-"
            lines.append([pad(safe(label), 12), pad(String(worker.pid), 8), pad(safe(worker.state), 9), pad(tasks, 14), pad(String(worker.tasksDone), 7), heartbeat].joined(separator: " "))
        }
        return lines.joined(separator: "\n")
    }
}
