import Foundation
import Offload

/// A task whose schedule is declared in code. It is off unless `OFFLOAD_TEST_SCHEDULE` is set, so the other
/// supervisor tests, which run this worker too, see no periodic task; the supervisor passes its environment
/// to `--describe-tasks`, which is where the schedule is read.
struct ScheduledTick: BackgroundTask {
    static let name = "test.scheduled-tick"
    static var schedule: TaskSchedule? {
        ProcessInfo.processInfo.environment["OFFLOAD_TEST_SCHEDULE"] == nil ? nil : .every(.seconds(1))
    }
    static func run(_ arguments: NoArguments, context: TaskContext) async throws -> NoOutput { NoOutput() }
}
