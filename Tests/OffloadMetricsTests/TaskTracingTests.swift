import Foundation
import InMemoryTracing
import Offload
import OffloadSQLite
import OffloadTesting
import OffloadWorker
import Testing
import Tracing

private struct TracedGreeting: BackgroundTask {
    struct Arguments: Codable, Sendable { var name: String }
    static let name = "test.traced-greeting"
    static func run(_ arguments: Arguments, context: TaskContext) async throws -> String { "hello \(arguments.name)" }
}

private struct TracedFailure: BackgroundTask {
    struct Arguments: Codable, Sendable {}
    struct Refused: Error {}
    static let name = "test.traced-failure"
    static func run(_ arguments: Arguments, context: TaskContext) async throws -> NoOutput { throw Refused() }
}

/// The process's one tracer: swift-distributed-tracing's bootstrap may run only once per process.
private let tracer: InMemoryTracer = {
    let tracer = InMemoryTracer()
    InstrumentationSystem.bootstrap(tracer)
    return tracer
}()

@Suite("Tracing", .serialized)
struct TaskTracingTests {
    @Test("a worker runs each attempt in a consumer span whose parent is the span active at enqueue")
    func attemptSpanContinuesTheEnqueueTrace() async throws {
        let tracer = tracer
        let directory = TemporaryDirectory("offload-tracing")
        let path = directory.file("tasks.sqlite3")
        let app = try SQLiteTaskStore(path: path)
        // The request's span, as a web handler would have it, enqueues the tasks.
        let (requestSpanID, requestTraceID, greetingID, failureID) = try await withSpan("POST /signup", ofKind: .server) { span in
            let greeting = try await TracedGreeting.enqueue(.init(name: "ada"), on: app)
            let failure = try await TracedFailure.enqueue(.init(), on: app)
            let context = try #require(span.context.inMemorySpanContext)
            return (context.spanID, context.traceID, greeting.id, failure.id)
        }
        // Without a context, nothing is stored.
        let untraced = try await TracedGreeting.enqueue(.init(name: "bob"), on: app)
        #expect(try await app.record(id: greetingID).status == .pending)

        let registry = TaskRegistry()
        registry.register(TracedGreeting.self)
        registry.register(TracedFailure.self)
        var configuration = WorkerConfiguration(workerID: "traced-worker")
        configuration.exitWhenIdle = true
        let worker = Worker(store: try SQLiteTaskStore(path: path), registry: registry, configuration: configuration)
        try await worker.run()

        let spans = tracer.finishedSpans.filter { $0.operationName.hasPrefix("test.traced-") }
        let greeting = try #require(spans.first { $0.attributes["offload.task.id"]?.toSpanAttribute() == .int64(greetingID.rawValue) })
        #expect(greeting.kind == .consumer)
        #expect(greeting.parentSpanID == requestSpanID, "the attempt's span is a child of the request's span")
        #expect(greeting.traceID == requestTraceID)
        #expect(greeting.attributes["offload.task.outcome"]?.toSpanAttribute() == "succeeded")
        #expect(greeting.attributes["offload.queue"]?.toSpanAttribute() == "default")

        let failure = try #require(spans.first { $0.attributes["offload.task.id"]?.toSpanAttribute() == .int64(failureID.rawValue) })
        #expect(failure.parentSpanID == requestSpanID)
        #expect(failure.attributes["offload.task.outcome"]?.toSpanAttribute() == "failed")
        #expect(failure.errors.count == 1, "the attempt's error is recorded on its span")
        #expect(failure.status?.code == .error)

        let plain = try #require(spans.first { $0.attributes["offload.task.id"]?.toSpanAttribute() == .int64(untraced.id.rawValue) })
        #expect(plain.parentSpanID == nil, "a task enqueued outside any trace starts its own")
    }
}
