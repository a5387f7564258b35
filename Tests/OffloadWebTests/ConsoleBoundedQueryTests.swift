import Foundation
import HummingbirdTesting
import Offload
import Testing

/// The console's answers stay bounded with a large table, and say where they stopped.
@Suite("The console's bounded counts and searches")
struct ConsoleBoundedQueryTests {
    @Test("a free-text search that examined its limit without filling the page says so and offers to search older tasks")
    func stoppedSearch() async throws {
        let fixture = try ConsoleFixture(examineLimit: 3)
        let needle = try await fixture.enqueue(arguments: #"{"order":"needle-42"}"#)
        for _ in 0..<5 { try await fixture.enqueue() }
        try await fixture.test { client in
            let first = try await client.execute(uri: "/api/v1/tasks?q=needle-42", method: .get) { try $0.json() }
            #expect((first["tasks"] as? [Any])?.isEmpty == true)
            #expect(first["searchStopped"] as? Bool == true)
            #expect(first["examineLimit"] as? Int == 3)
            let cursor = try #require(first["nextCursor"] as? String)
            try await client.execute(uri: "/tasks?q=needle-42", method: .get) { response in
                #expect(response.text.contains("Searched 3 tasks without filling the page"))
                #expect(response.text.contains("before=\(cursor)"))
            }
            let second = try await client.execute(uri: "/api/v1/tasks?q=needle-42&before=\(cursor)", method: .get) { try $0.json() }
            let ids = (second["tasks"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int64 ?? ($0["id"] as? Int).map(Int64.init) }
            #expect(ids == [needle.id.rawValue])
            #expect(second["searchStopped"] == nil && second["nextCursor"] == nil, "the search reached the first task")
        }
    }

    @Test("the overview counts finished tasks over the last 24 hours, and says so")
    func finishedWindow() async throws {
        let fixture = try ConsoleFixture()
        let old = try await fixture.enqueue(queue: "failing")
        let claimed = try await fixture.store.complete([], thenClaim: ClaimRequest(workerID: "w1", queues: .named(["failing"]), limit: 1))
        let error = TaskAttemptError(exceptionType: "MailError", message: "down", attempt: 1, workerID: "w1")
        _ = try await fixture.store.complete(claimed.map { TaskOutcome(id: $0.id, workerID: "w1", result: .failed(error, retryAt: nil), finishedAt: Date().addingTimeInterval(-2 * 86_400)) }, thenClaim: nil)
        #expect(claimed.map(\.id) == [old.id])
        _ = try await fixture.failedTask()
        try await fixture.test { client in
            let queues = try await client.execute(uri: "/api/v1/queues", method: .get) { try $0.json() }
            #expect(queues["finishedWindowSeconds"] as? Double == 86_400)
            let failing = (queues["queues"] as? [[String: Any]] ?? []).first { $0["name"] as? String == "failing" }
            #expect(failing?["failed"] as? Int == 1, "the failure of two days ago is outside the window")
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.text.contains("Failed (24 h)"))
                #expect(response.text.contains("finished in the last 24 hours"))
            }
        }
    }
}

extension ConsoleBoundedQueryTests {
    @Test("when more tasks finished in the day than the console counts, the overview counts the most recent and says since when")
    func finishedLimit() async throws {
        let fixture = try ConsoleFixture(finishedCountLimit: 1)
        _ = try await fixture.failedTask()
        _ = try await fixture.failedTask()
        try await fixture.test { client in
            let queues = try await client.execute(uri: "/api/v1/queues", method: .get) { try $0.json() }
            #expect(queues["finishedLimited"] as? Bool == true)
            #expect((queues["finishedWindowSeconds"] as? Double ?? 86_400) < 3600, "the window starts at the last failure, not a day ago")
            let failing = (queues["queues"] as? [[String: Any]] ?? []).first { $0["name"] as? String == "failing" }
            #expect(failing?["failed"] as? Int ?? 0 >= 1)
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.text.contains("count the last 1 tasks that finished"))
                #expect(!response.text.contains("Failed (24 h)"))
            }
        }
    }
}
