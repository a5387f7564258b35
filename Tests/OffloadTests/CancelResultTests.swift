import Foundation
import Offload
import Testing

@Suite("TaskResult: cancelled tasks")
struct CancelResultTests {
    @Test("a CANCELLED result is finished and its returnValue throws taskCancelled naming who cancelled, even with a stored value")
    func cancelledReturnValue() throws {
        var record = TaskRecord(id: 7, request: TaskRequest(taskName: "Greet"), status: .cancelled, enqueuedAt: Date())
        record.returnValue = #""hello""#
        record.cancelledBy = "ops"
        let result = TaskResult<Greet>(record: record, backend: InMemoryBackend())
        #expect(result.isFinished)
        let error = #expect(throws: OffloadError.self) { try result.returnValue }
        #expect(error?.code == .taskCancelled)
        #expect(error?.message.contains("cancelled by ops") == true)
    }

    @Test("cancelling on a backend that keeps no tasks throws cancellationUnsupported")
    func unsupportedBackend() async throws {
        let backend = InMemoryBackend()
        let record = try await backend.enqueue(TaskRequest(taskName: "Greet", arguments: #"{"name": "a"}"#))
        var result = TaskResult<Greet>(record: record, backend: backend)
        let error = await #expect(throws: OffloadError.self) { try await result.cancel() }
        #expect(error?.code == .cancellationUnsupported)
    }
}
