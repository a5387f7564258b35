import Foundation
import GRDB
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import Offload
import OffloadTesting
import OffloadWeb
import Testing

@Suite("The console's JSON API")
struct ConsoleAPITests {
    @Test("tasks are listed newest first, filtered, and paged by a keyset cursor")
    func listsTasks() async throws {
        let fixture = try ConsoleFixture()
        for index in 0..<5 { try await fixture.enqueue(arguments: #"{"n":\#(index)}"#) }
        try await fixture.enqueue("report", queue: "reports")
        try await fixture.test { client in
            let first = try await client.execute(uri: "/api/v1/tasks?task=mail&limit=3", method: .get) { try $0.json() }
            let tasks = first["tasks"] as? [[String: Any]] ?? []
            #expect(tasks.map { $0["id"] as? Int } == [5, 4, 3])
            let cursor = try #require(first["nextCursor"] as? String)
            let second = try await client.execute(uri: "/api/v1/tasks?task=mail&limit=3&before=\(cursor)", method: .get) { try $0.json() }
            #expect((second["tasks"] as? [[String: Any]])?.map { $0["id"] as? Int } == [2, 1])
            #expect(second["nextCursor"] == nil)
            let search = try await client.execute(uri: "/api/v1/tasks?q=%22n%22%3A3", method: .get) { try $0.json() }
            #expect((search["tasks"] as? [[String: Any]])?.map { $0["id"] as? Int } == [4])
        }
    }

    @Test("a malformed filter, an unknown filter or a bad cursor is answered 400 with the reason")
    func refusesMalformedFilters() async throws {
        let fixture = try ConsoleFixture()
        try await fixture.test { client in
            for (query, reason) in [("status=DONE", "not one of"), ("from=yesterday", "ISO 8601"), ("before=abc", "not a task id"), ("limit=0", "1 to 1000"), ("colour=red", "unknown filter")] {
                try await client.execute(uri: "/api/v1/tasks?\(query)", method: .get) { response in
                    #expect(response.status == .badRequest, "\(query)")
                    let message = try response.json()["error"] as? String
                    #expect(message?.contains(reason) == true, "\(query): \(response.text)")
                }
            }
        }
    }

    @Test("one task is answered with its record; an unknown id 404, a malformed one 400")
    func showsOneTask() async throws {
        let fixture = try ConsoleFixture()
        let task = try await fixture.failedTask()
        try await fixture.test { client in
            let json = try await client.execute(uri: "/api/v1/tasks/\(task.id)", method: .get) { try $0.json() }
            #expect(json["status"] as? String == "FAILED")
            #expect((json["errors"] as? [[String: Any]])?.first?["traceback"] as? String == "frame 1\nframe 2")
            try await client.execute(uri: "/api/v1/tasks/999", method: .get) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/api/v1/tasks/x1", method: .get) { #expect($0.status == .badRequest) }
        }
    }

    @Test("queues show counts, the oldest ready task's age and the last hour; workers show staleness")
    func showsQueuesAndWorkers() async throws {
        let fixture = try ConsoleFixture()
        try await fixture.enqueue(queue: "email", runAfter: Date().addingTimeInterval(-90))
        _ = try await fixture.failedTask()
        let now = Date()
        try await fixture.store.heartbeat(WorkerRecord(id: "fresh", host: "a", pid: 1, queues: "email", state: "running", currentTaskIDs: [], tasksDone: 3, startedAt: now, heartbeatAt: now, supervisorID: nil))
        try await fixture.store.heartbeat(WorkerRecord(id: "old", host: "b", pid: 2, queues: "email", state: "running", currentTaskIDs: [], tasksDone: 0, startedAt: now, heartbeatAt: now.addingTimeInterval(-600), supervisorID: nil))
        try await fixture.test { client in
            let json = try await client.execute(uri: "/api/v1/queues", method: .get) { try $0.json() }
            let queues = json["queues"] as? [[String: Any]] ?? []
            let email = try #require(queues.first { $0["name"] as? String == "email" })
            #expect(email["pending"] as? Int == 1)
            #expect((email["oldestReadyAgeSeconds"] as? Double ?? 0) >= 89)
            #expect((json["lastHour"] as? [[String: Any]])?.first?["failed"] as? Int == 1)
            // Beaten again just before asking: a loaded test run can take longer than the 30 s staleness limit to get here.
            try await fixture.store.heartbeat(WorkerRecord(id: "fresh", host: "a", pid: 1, queues: "email", state: "running", currentTaskIDs: [], tasksDone: 3, startedAt: now, heartbeatAt: Date(), supervisorID: nil))
            let workers = try await client.execute(uri: "/api/v1/workers", method: .get) { try $0.json() }["workers"] as? [[String: Any]] ?? []
            let stale = Dictionary(uniqueKeysWithValues: workers.map { (($0["worker"] as? [String: Any])?["id"] as? String ?? "", $0["stale"] as? Bool) })
            #expect(stale == ["fresh": false, "old": true])
        }
    }

    @Test("retry, delete and run-now act on one task and say what they touched")
    func actsOnOneTask() async throws {
        let fixture = try ConsoleFixture()
        let failed = try await fixture.failedTask()
        let delayed = try await fixture.enqueue(runAfter: Date().addingTimeInterval(3600))
        try await fixture.test { client in
            try await client.execute(uri: "/api/v1/tasks/\(failed.id)/retry", method: .post, headers: ConsoleFixture.actionHeaders) { response in
                #expect(response.status == .ok)
                let touched = try response.json()["touched"] as? [Int]
                #expect(touched == [Int(failed.id.rawValue)])
            }
            #expect(try await fixture.store.record(id: failed.id).status == .pending)
            try await client.execute(uri: "/api/v1/tasks/\(failed.id)/retry", method: .post, headers: ConsoleFixture.actionHeaders) { #expect($0.status == .conflict) }
            try await client.execute(uri: "/api/v1/tasks/\(delayed.id)/run", method: .post, headers: ConsoleFixture.actionHeaders) { #expect($0.status == .ok) }
            #expect(try await fixture.store.record(id: delayed.id).runAfter <= Date())
            try await client.execute(uri: "/api/v1/tasks/\(delayed.id)/delete", method: .post, headers: ConsoleFixture.actionHeaders) { #expect($0.status == .conflict) }
            try await client.execute(uri: "/api/v1/tasks/424242/delete", method: .post, headers: ConsoleFixture.actionHeaders) { #expect($0.status == .notFound) }
        }
    }

    @Test("a task whose row holds garbage is shown, its unreadable columns named, in the API and on its page")
    func showsAPoisonedRow() async throws {
        let fixture = try ConsoleFixture()
        let task = try await fixture.enqueue()
        try await fixture.store.pool.write { db in
            try db.execute(sql: "UPDATE offload_task SET enqueued_at = 'x', errors = 'nope' WHERE id = ?", arguments: [task.id.rawValue])
        }
        try await fixture.test { client in
            try await client.execute(uri: "/api/v1/tasks/\(task.id)", method: .get) { response in
                #expect(response.status == .ok, "\(response.text)")
                #expect(response.text.contains("enqueued_at"), "\(response.text)")
            }
            try await client.execute(uri: "/tasks/\(task.id)", method: .get) { #expect($0.status == .ok) }
        }
    }

    @Test("cancel makes a pending task CANCELLED at once, and a finished one is answered 409 unchanged")
    func cancelsTasks() async throws {
        let fixture = try ConsoleFixture()
        let pending = try await fixture.enqueue(arguments: #"{"n":1}"#)
        let failed = try await fixture.failedTask()
        try await fixture.test { client in
            let json = try await client.execute(uri: "/api/v1/tasks/\(pending.id)/cancel", method: .post, headers: ConsoleFixture.actionHeaders) { response in
                #expect(response.status == .ok)
                return try response.json()
            }
            #expect(json["touched"] as? [Int] == [Int(pending.id.rawValue)])
            try await client.execute(uri: "/api/v1/tasks/\(failed.id)/cancel", method: .post, headers: ConsoleFixture.actionHeaders) { response in
                #expect(response.status == .conflict)
                let message = try response.json()["error"] as? String
                #expect(message?.contains("has finished") == true)
            }
            try await client.execute(uri: "/tasks/\(failed.id)", method: .get) { #expect(!$0.text.contains(#"data-action="cancel""#)) }
        }
        let cancelled = try await fixture.store.record(id: pending.id)
        #expect(cancelled.status == .cancelled)
        #expect(cancelled.cancelledBy == "offload web console")
        #expect(try await fixture.store.record(id: failed.id).status == .failed)
    }

    @Test("pause and resume a queue: stored for every worker, shown in the overview, idempotent")
    func pausesAndResumesQueues() async throws {
        let fixture = try ConsoleFixture()
        try await fixture.enqueue(queue: "email")
        try await fixture.test { client in
            for expectedChange in [true, false] {
                let json = try await client.execute(uri: "/api/v1/queues/email/pause", method: .post, headers: ConsoleFixture.actionHeaders) { try $0.json() }
                #expect(json["paused"] as? Bool == true)
                #expect(json["changed"] as? Bool == expectedChange)
            }
            #expect(try await fixture.store.pausedQueues().map(\.queueName) == ["email"])
            #expect(try await fixture.store.complete([], thenClaim: ClaimRequest(workerID: "w1", queues: .named(["email"]), limit: 1)).isEmpty)
            let queues = try await client.execute(uri: "/api/v1/queues", method: .get) { try $0.json() }["queues"] as? [[String: Any]]
            #expect(queues?.first { $0["name"] as? String == "email" }?["paused"] as? Bool == true)
            try await client.execute(uri: "/", method: .get) { #expect($0.text.contains(#"data-queue-action="resume" data-queue="email""#)) }

            let resumed = try await client.execute(uri: "/api/v1/queues/email/resume", method: .post, headers: ConsoleFixture.actionHeaders) { try $0.json() }
            #expect(resumed["paused"] as? Bool == false)
            #expect(resumed["changed"] as? Bool == true)
        }
        #expect(try await fixture.store.pausedQueues().isEmpty)
        #expect(try await fixture.store.complete([], thenClaim: ClaimRequest(workerID: "w1", queues: .named(["email"]), limit: 1)).count == 1)
    }

    @Test("bulk actions take a list of ids or a filter")
    func actsInBulk() async throws {
        let fixture = try ConsoleFixture()
        let failed = [try await fixture.failedTask(), try await fixture.failedTask()]
        let pending = try await fixture.enqueue()
        try await fixture.test { client in
            let ids = (failed.map(\.id) + [pending.id]).map { String($0.rawValue) }.joined(separator: ",")
            let byIDs = try await client.execute(uri: "/api/v1/tasks/bulk/delete", method: .post, headers: ConsoleFixture.actionHeaders, body: ByteBuffer(string: #"{"ids":[\#(ids)]}"#)) { try $0.json() }
            #expect((byIDs["touched"] as? [Int])?.count == 2)
            #expect((byIDs["skipped"] as? [[String: Any]])?.first?["id"] as? Int == Int(pending.id.rawValue))
            let more = try await fixture.failedTask()
            let byFilter = try await client.execute(uri: "/api/v1/tasks/bulk/retry", method: .post, headers: ConsoleFixture.actionHeaders, body: ByteBuffer(string: #"{"filter":{"status":"FAILED"}}"#)) { try $0.json() }
            #expect(byFilter["touched"] as? [Int] == [Int(more.id.rawValue)])
            for body in [#"{"filter":{"status":"NOPE"}}"#, #"{"ids":[1],"filter":{}}"#, "not json"] {
                try await client.execute(uri: "/api/v1/tasks/bulk/retry", method: .post, headers: ConsoleFixture.actionHeaders, body: ByteBuffer(string: body)) { #expect($0.status == .badRequest, "\(body)") }
            }
        }
    }

    @Test("an action without the CSRF token, with a wrong one, or from another origin is refused and changes nothing")
    func refusesForgedActions() async throws {
        let fixture = try ConsoleFixture()
        let failed = try await fixture.failedTask()
        try await fixture.test { client in
            let forged: [HTTPFields] = [
                [:],
                [HTTPField.Name("X-CSRF-Token")!: "test-tokem"],
                [HTTPField.Name("X-CSRF-Token")!: "test-token", .origin: "https://evil.example"],
            ]
            for headers in forged {
                try await client.execute(uri: "/api/v1/tasks/\(failed.id)/retry", method: .post, headers: headers) { #expect($0.status == .forbidden) }
                try await client.execute(uri: "/api/v1/tasks/bulk/retry", method: .post, headers: headers, body: ByteBuffer(string: #"{"ids":[\#(failed.id)]}"#)) { #expect($0.status == .forbidden) }
                try await client.execute(uri: "/api/v1/queues/failing/pause", method: .post, headers: headers) { #expect($0.status == .forbidden) }
            }
        }
        #expect(try await fixture.store.record(id: failed.id).status == .failed)
        #expect(try await fixture.store.pausedQueues().isEmpty)
    }

    @Test("a read-only console answers every action 403 and shows no buttons")
    func readOnlyRefusesActions() async throws {
        let fixture = try ConsoleFixture(readOnly: true)
        let failed = try await fixture.failedTask()
        try await fixture.test { client in
            for change in ["pause", "resume"] {
                try await client.execute(uri: "/api/v1/queues/failing/\(change)", method: .post, headers: ConsoleFixture.actionHeaders) { #expect($0.status == .forbidden) }
            }
            for action in ["retry", "delete", "run", "cancel"] {
                try await client.execute(uri: "/api/v1/tasks/\(failed.id)/\(action)", method: .post, headers: ConsoleFixture.actionHeaders) { #expect($0.status == .forbidden) }
                try await client.execute(uri: "/api/v1/tasks/bulk/\(action)", method: .post, headers: ConsoleFixture.actionHeaders, body: ByteBuffer(string: #"{"ids":[1]}"#)) { #expect($0.status == .forbidden) }
            }
            try await client.execute(uri: "/tasks/\(failed.id)", method: .get) { response in
                #expect(response.status == .ok)
                #expect(!response.text.contains("data-action"))
                #expect(!response.text.contains("test-token"))
            }
        }
        #expect(try await fixture.store.record(id: failed.id).status == .failed)
    }

    @Test("the served OpenAPI document is the checked-in docs/openapi.json and lists every API route")
    func servesOpenAPI() async throws {
        let fixture = try ConsoleFixture()
        let file = try String(contentsOfFile: BuiltProducts.packageRoot + "/docs/openapi.json", encoding: .utf8)
        try await fixture.test { client in
            let served = try await client.execute(uri: "/api/v1/openapi.json", method: .get) { $0.text }
            #expect(served == file)
            let paths = try #require((try JSONSerialization.jsonObject(with: Data(served.utf8)) as? [String: Any])?["paths"] as? [String: Any])
            var routes = ["/api/v1/tasks", "/api/v1/tasks/{id}", "/api/v1/queues", "/api/v1/workers", "/api/v1/schedules", "/api/v1/openapi.json"]
            for action in ["retry", "delete", "run", "cancel"] { routes += ["/api/v1/tasks/{id}/\(action)", "/api/v1/tasks/bulk/\(action)"] }
            routes += ["/api/v1/queues/{name}/pause", "/api/v1/queues/{name}/resume"]
            #expect(Set(paths.keys) == Set(routes))
            // Every action's error answers are shared ones, each defined once under components.responses.
            let document = try #require(try JSONSerialization.jsonObject(with: Data(served.utf8)) as? [String: Any])
            let shared = try #require((document["components"] as? [String: Any])?["responses"] as? [String: Any])
            for (path, item) in paths {
                guard let post = (item as? [String: Any])?["post"] as? [String: Any], let responses = post["responses"] as? [String: Any] else { continue }
                for (code, response) in responses where code.hasPrefix("4") {
                    let reference = (response as? [String: Any])?["$ref"] as? String
                    #expect(reference?.hasPrefix("#/components/responses/") == true, "\(path) \(code) is written out instead of shared")
                    #expect(reference.map { shared[String($0.dropFirst("#/components/responses/".count))] != nil } == true, "\(path) \(code): \(reference ?? "no $ref") resolves")
                }
            }
        }
    }
}
