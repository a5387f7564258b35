import Foundation
import HummingbirdTesting
import Offload
import OffloadTesting
import Testing

@Suite("The console's /metrics")
struct MetricsRouteTests {
    @Test("/metrics counts tasks enqueued and finished, and a prune of every finished row takes nothing back")
    func countersSurviveAPrune() async throws {
        let fixture = try ConsoleFixture()
        for _ in 0..<3 { try await fixture.enqueue("mail", queue: "email") }
        let claimed = try await fixture.store.complete([], thenClaim: ClaimRequest(workerID: "w1", queues: .named(["email"]), limit: 3))
        try #require(claimed.count == 3)
        let error = TaskAttemptError(exceptionType: "MailError", message: "down", traceback: nil, attempt: 1, workerID: "w1")
        _ = try await fixture.store.complete([
            TaskOutcome(id: claimed[0].id, workerID: "w1", result: .succeeded(returnValue: "null")),
            TaskOutcome(id: claimed[1].id, workerID: "w1", result: .succeeded(returnValue: "null")),
            TaskOutcome(id: claimed[2].id, workerID: "w1", result: .failed(error, retryAt: nil)),
        ], thenClaim: nil)
        _ = try await fixture.failedTask("mail")  // one more, on queue "failing"

        try await fixture.test { client in
            let before = try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
                return response.text
            }
            #expect(Self.value(in: before, #"offload_tasks_enqueued_total{queue="email",task="mail"}"#) == 3)
            #expect(Self.value(in: before, #"offload_tasks_finished_total{queue="email",task="mail",status="successful"}"#) == 2)
            #expect(Self.value(in: before, #"offload_tasks_finished_total{queue="email",task="mail",status="failed"}"#) == 1)
            #expect(Self.value(in: before, #"offload_tasks_finished_total{queue="failing",task="mail",status="failed"}"#) == 1)

            let pruned = try await fixture.store.prune(PruneRequest(age: .zero, now: Date().addingTimeInterval(60)))
            #expect(pruned == 4)
            #expect(try await fixture.store.counts().reduce(0) { $0 + $1.successful + $1.failed } == 0)

            let after = try await client.execute(uri: "/metrics", method: .get) { $0.text }
            for series in [#"offload_tasks_enqueued_total{queue="email",task="mail"}"#,
                           #"offload_tasks_finished_total{queue="email",task="mail",status="successful"}"#,
                           #"offload_tasks_finished_total{queue="email",task="mail",status="failed"}"#,
                           #"offload_tasks_finished_total{queue="failing",task="mail",status="failed"}"#] {
                #expect(Self.value(in: after, series) == Self.value(in: before, series), "\(series) after the prune")
            }
        }
    }

    /// The value of one sample line (`name{labels} value`), or nil when the series is absent.
    static func value(in exposition: String, _ series: String) -> Double? {
        for line in exposition.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }
}
