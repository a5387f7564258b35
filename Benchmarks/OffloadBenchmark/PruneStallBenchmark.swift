import Foundation
import Offload
import OffloadSQLite
import Synchronization

/// Part 6b: how long pruning a large history keeps other writers waiting.
///
/// SQLite has one writer at a time, so a `DELETE` of a million rows in one transaction would hold
/// every enqueue and claim for seconds. ``SQLiteTaskStore/prune(_:)`` deletes in chunks of
/// ``PruneRequest/chunkSize`` rows, each its own transaction. Here another connection (as another
/// process would) enqueues one task per transaction, pausing 1 ms between them, for the whole prune;
/// the longest gap between two of its successive commits is the longest a writer was stalled.
struct PruneStallBenchmark {
    static let section = "6 Scale"
    static let stallTarget = 100.0

    func run(database: ScratchDatabase, report: BenchmarkReport) async throws {
        defer { database.remove() }
        let pruner = try database.openStore()
        let writer = PacedWriter(store: try database.openStore(), pause: .milliseconds(1))
        let request = PruneRequest(age: .seconds(86_400))
        Console.line("\n[6] Prune the history (chunks of \(request.chunkSize)) while another connection enqueues")

        sync()
        async let samples = writer.run()
        try await Task.sleep(for: .milliseconds(300))
        let clock = ContinuousClock()
        let start = clock.now
        let deleted = try await pruner.prune(request)
        let end = clock.now
        try await Task.sleep(for: .milliseconds(300))
        writer.stop()
        let writes = try await samples

        // Gaps between successive commits, for the commits that ended while the prune ran.
        var longestGap = 0.0
        var longestWrite = 0.0
        var writesDuringPrune = 0
        for (previous, next) in zip(writes, writes.dropFirst()) where next.end >= start && previous.end <= end {
            longestGap = max(longestGap, (next.end - previous.end).inMilliseconds)
            longestWrite = max(longestWrite, (next.end - next.start).inMilliseconds)
            writesDuringPrune += 1
        }
        let seconds = (end - start).inSeconds
        report.add(Figure(
            section: Self.section, name: "prune \(Units.grouped(deleted)) rows", value: seconds, unit: "s",
            display: "\(Units.seconds(seconds)) (\(Units.rate(Double(deleted) / seconds)) rows/s)",
            note: "\(Units.grouped(deleted / max(1, request.chunkSize))) transactions of \(request.chunkSize) rows"))
        report.add(Figure(
            section: Self.section, name: "longest writer stall during the prune", value: longestGap, unit: "ms",
            display: Units.milliseconds(longestGap), target: "≤ 100 ms", met: longestGap <= Self.stallTarget,
            note: "gap between successive enqueues (1 ms pause included); longest single enqueue \(Units.milliseconds(longestWrite)); \(Units.grouped(writesDuringPrune)) enqueues during the prune"))
    }
}

/// Enqueues one task per transaction on its own thread, with a pause between, until stopped, and
/// records when each write started and ended.
///
/// A thread rather than a task: each enqueue blocks while SQLite's busy handler waits for the lock,
/// and a blocked thread must not be one of the few the concurrency runtime shares among all tasks.
final class PacedWriter: Sendable {
    struct Sample: Sendable {
        var start: ContinuousClock.Instant
        var end: ContinuousClock.Instant
    }

    private let store: SQLiteTaskStore
    private let pause: Duration
    private let stopped = Atomic<Bool>(false)

    init(store: SQLiteTaskStore, pause: Duration) {
        self.store = store
        self.pause = pause
    }

    func stop() {
        stopped.store(true, ordering: .relaxed)
    }

    /// Writes until ``stop()``; returns every write, in order, or the first error.
    func run() async throws -> [Sample] {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { [self] in
                continuation.resume(with: Result { try self.loop() })
            }
            thread.start()
        }
    }

    private func loop() throws -> [Sample] {
        let clock = ContinuousClock()
        let request = EnqueueBenchmark.echoRequest(0)
        let pauseMicroseconds = UInt32(pause.inMilliseconds * 1_000)
        var samples: [Sample] = []
        while !stopped.load(ordering: .relaxed) {
            let start = clock.now
            _ = try enqueueSynchronously(request, into: store)
            samples.append(Sample(start: start, end: clock.now))
            usleep(pauseMicroseconds)
        }
        return samples
    }
}
