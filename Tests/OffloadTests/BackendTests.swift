import Foundation
import Offload
import Testing

@Suite("Backends")
struct BackendTests {
    @Test("the immediate backend runs the task in the caller and records its return value")
    func immediateBackendRunsInCaller() async throws {
        let registry = TaskRegistry()
        registry.register(Greet.self)
        let backend = ImmediateBackend(registry: registry)
        var result = try await Greet.enqueue(.init(name: "Ada"), on: backend)
        #expect(result.status == .successful)
        #expect(try result.returnValue == "Hello, Ada (attempt 1, result \(result.id))")
        #expect(result.startedAt != nil && result.finishedAt != nil)
        try await result.refresh()
        #expect(result.status == .successful)
    }

    @Test("the immediate backend retries as the policy says and records each failure")
    func immediateBackendRetries() async throws {
        let registry = TaskRegistry()
        registry.register(Flaky.self)
        let backend = ImmediateBackend(registry: registry)

        let recovered = try await Flaky.enqueue(.init(failures: 2), on: backend)
        #expect(recovered.status == .successful)
        #expect(try recovered.returnValue == 3)
        #expect(recovered.errors.map(\.attempt) == [1, 2])
        #expect(recovered.errors.allSatisfy { $0.exceptionType == "OffloadTests.Flaky.Failure" })

        let failed = try await Flaky.enqueue(.init(failures: 5), on: backend)
        #expect(failed.status == .failed)
        #expect(failed.attempts == 3)
        #expect(failed.errors.count == 3)
        #expect(throws: OffloadError.self) { try failed.returnValue }
    }

    @Test("the in-memory backend records enqueued tasks without running them")
    func inMemoryBackendRecords() throws {
        let backend = InMemoryBackend()
        let result = try Greet.enqueue(.init(name: "Ada"), on: backend)
        #expect(result.status == .pending)
        #expect(backend.enqueued.map(\.taskName) == [Greet.name])
        #expect(try backend.record(id: result.id).arguments == #"{"name":"Ada"}"#)
        #expect(throws: OffloadError.self) { try backend.record(id: 999) }
    }

    @Test("enqueueing to a queue the backend does not list fails with the queues it lists")
    func unknownQueueIsRefused() throws {
        let backends = TaskBackends(["default": .init(InMemoryBackend(), queues: ["default", "email"])])
        #expect {
            try backends.backend(alias: "default", queue: "metrics", task: "measure")
        } throws: { error in
            let error = try #require(error as? OffloadError)
            return error.code == .unknownQueue && error.message.contains("default, email")
        }
    }

    @Test("an unknown backend alias fails with the configured aliases")
    func unknownBackendIsRefused() {
        let backends = TaskBackends(["default": .init(InMemoryBackend())])
        #expect {
            try backends.backend(alias: "reports", queue: "default", task: "t")
        } throws: { error in
            (error as? OffloadError)?.code == .unknownBackend
        }
    }

    @Test("tasks enqueue through the bootstrapped backends by alias")
    func bootstrappedBackendsAreUsed() async throws {
        let memory = InMemoryBackend()
        TaskBackends.bootstrap(TaskBackends(["default": .init(memory, queues: ["default", "metrics"])]))
        let result = try await Measure.enqueue(.init(value: 2))
        #expect(memory.enqueued.last?.id == result.id)
        #expect(memory.enqueued.last?.queueName == "metrics")
        let fetched = try await Measure.result(id: result.id)
        #expect(fetched.status == .pending)
    }

    @Test("a result of an unknown task type reports the status, not a value")
    func returnValueBeforeSuccessThrows() throws {
        let backend = InMemoryBackend()
        let result = try Greet.enqueue(.init(name: "x"), on: backend)
        #expect {
            try result.returnValue
        } throws: { error in
            (error as? OffloadError)?.code == .resultNotReady
        }
    }
}
