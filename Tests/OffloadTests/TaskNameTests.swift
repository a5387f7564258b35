import Foundation
import Offload
import Testing

/// A task named to forge output: a newline, then what looks like a row of `offload list`, in red.
struct ForgedName: BackgroundTask {
    static let name = "Mail.Send\n12  SUCCESSFUL default \u{1B}[31mok"
    static func run(_ arguments: NoArguments, context: TaskContext) async throws -> NoOutput { NoOutput() }
}

@Suite("Task names")
struct TaskNameTests {
    @Test("a task name with a newline or an escape code is refused at enqueue, by every backend, naming the character")
    func controlCharactersAreRefused() async throws {
        let backend = InMemoryBackend()
        #expect {
            try ForgedName.enqueue(NoArguments(), on: backend)
        } throws: { error in
            let error = try #require(error as? OffloadError)
            return error.code == .invalidOption && error.message.contains("U+A") && !error.message.contains("\n")
        }
        #expect(throws: OffloadError.self) { try backend.enqueue(TaskRequest(taskName: "a\u{1B}[2Jb")) }
        #expect(throws: OffloadError.self) { try backend.enqueue(TaskRequest(taskName: "invisible\u{202E}reversed")) }
        #expect(throws: OffloadError.self) { try backend.enqueue(TaskRequest(taskName: "t", queueName: "mail\nfake")) }
        #expect(backend.enqueued.isEmpty)
        await #expect(throws: OffloadError.self) { try await ImmediateBackend(registry: TaskRegistry()).enqueue(TaskRequest(taskName: "a\rb")) }
    }

    @Test("ordinary names pass: dotted, generic, non-Latin")
    func ordinaryNamesPass() throws {
        for name in ["ExampleWorker.SendEmail", "test.record", "App.Box<Swift.Int>", "tâche.envoyer", "メール送信"] {
            #expect(TaskNames.problem(with: name) == nil, "\(name)")
        }
        #expect(TaskNames.problem(with: "") != nil)
        #expect(TaskNames.problem(with: String(repeating: "a", count: 300)) != nil)
    }

    @Test("escaping writes control characters out so printed text stays on its line")
    func escapingKeepsOneLine() {
        #expect(TerminalSafe.escape("a\nb\u{1B}[31mc\td") == "a\\nb\\x1b[31mc\td")
        #expect(TerminalSafe.escape("plain.name") == "plain.name")
    }
}
