import Offload
import Testing

@Suite("Reading a result by id")
struct ResultOwnershipTests {
    @Test("reading another task's id as a result names the task the id belongs to")
    func anotherTasksIDIsRefused() async throws {
        let backend = InMemoryBackend()
        let measured = try await Measure.enqueue(.init(value: 2), on: backend)
        let error = await #expect(throws: OffloadError.self) {
            _ = try await Greet.result(id: measured.id, on: backend)
        }
        #expect(error?.code == .resultOfAnotherTask)
        #expect(error?.message == "Task result \(measured.id) belongs to task measure, not \(Greet.name): read it through the task type named measure, or check where this id came from.")
    }

    @Test("a task's own id reads back as its result")
    func ownIDIsRead() async throws {
        let backend = InMemoryBackend()
        let greeted = try await Greet.enqueue(.init(name: "Ada"), on: backend)
        let result = try await Greet.result(id: greeted.id, on: backend)
        #expect(result.id == greeted.id)
        #expect(result.status == .pending)
    }
}
