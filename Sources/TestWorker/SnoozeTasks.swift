import Foundation
import Offload

/// Snoozes for `milliseconds` on its first run (its run log has no line for it yet), then succeeds: the
/// snooze test checks the task ends SUCCESSFUL with one counted attempt and no error.
struct SnoozeOnce: BackgroundTask {
    struct Arguments: Codable, Sendable { var milliseconds: Int }
    static let name = "test.snoozeOnce"
    static func run(_ arguments: Arguments, context: TaskContext) async throws -> Int {
        let marker = "snoozed \(context.resultID)"
        let log = ProcessInfo.processInfo.environment["OFFLOAD_TEST_RUN_LOG"].flatMap { try? String(contentsOfFile: $0, encoding: .utf8) } ?? ""
        if !log.split(separator: "\n").contains(Substring(marker)) {
            try RunLog.append(marker)
            throw TaskSnooze(for: .milliseconds(arguments.milliseconds))
        }
        try RunLog.append("ran \(context.resultID) attempt \(context.attempt)")
        return context.attempt
    }
}
