import Foundation
import Offload

/// What `SomeTask.result(id:)` relies on: the record read back carries the name it was enqueued under.
enum ResultOwnershipChecks {
    /// A task type whose name differs from the rows the checks enqueue.
    struct ResizeImage: BackgroundTask {
        static let name = "Images.Resize"
        static func run(_ arguments: NoArguments, context: TaskContext) async throws -> Int { 0 }
    }

    static let all: [ConformanceCheck] = [
        ConformanceCheck("reading another task's id as a result of this task names the task the id belongs to") { c in
            let mail = try await c.enqueue("Mail.Send")
            await c.expectError(.resultOfAnotherTask, containing: "belongs to task Mail.Send, not Images.Resize", "reading a Mail.Send id as Images.Resize") {
                _ = try await ResizeImage.result(id: mail.id, on: c.store)
            }
            let resize = try await c.enqueue(ResizeImage.name)
            let result = try await ResizeImage.result(id: resize.id, on: c.store)
            c.expectEqual(result.id, resize.id, "the id of this task's own result")
        },
    ]
}
