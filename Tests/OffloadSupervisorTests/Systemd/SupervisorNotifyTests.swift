import Foundation
import Offload
import OffloadSupervisor
import OffloadProcessTesting
import OffloadTesting
import Testing

@Suite("Supervisor: sd_notify with a real supervisor", .serialized)
struct SupervisorNotifyTests {
    /// Receives until a message containing `needle` arrives; returns every message seen on the way.
    func receive(until needle: String, from socket: NotifySocketReceiver, timeout: Duration = .seconds(20)) throws -> [String] {
        var seen: [String] = []
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard let message = socket.receive(timeout: .milliseconds(200)) else { continue }
            seen.append(message)
            if message.contains(needle) { return seen }
        }
        throw WaitTimedOut(what: "\(needle) on the notify socket (got \(seen))", after: timeout)
    }

    /// The next WATCHDOG=1 with its kernel timestamp, skipping other messages; `nil` after 20 s without one.
    func nextPing(from socket: NotifySocketReceiver) -> NotifySocketReceiver.Stamped? {
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            guard let datagram = socket.receiveStamped(timeout: .milliseconds(200)) else { continue }
            if datagram.message.contains("WATCHDOG=1") { return datagram }
        }
        return nil
    }

    @Test("the notify socket receives READY, STATUS, WATCHDOG, RELOADING and STOPPING in order, and workers never see NOTIFY_SOCKET")
    func lifecycleNotifications() async throws {
        let socket = try NotifySocketReceiver(.path)
        let supervisor = try await SupervisorProcess.start(
            queues: ["default": 2],
            environment: ["NOTIFY_SOCKET": socket.notifySocket, "WATCHDOG_USEC": "400000"])

        let startup = try receive(until: "READY=1", from: socket)
        let ready = try #require(startup.last)
        #expect(ready.contains("STATUS=default: 2/2 workers"))
        let status = try await supervisor.waitUntilReady()
        #expect(status.workers.count == 2)
        for worker in status.workers {
            let environ = try Data(contentsOf: URL(fileURLWithPath: "/proc/\(worker.pid)/environ"))
            let variables = environ.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            #expect(!variables.contains { $0.hasPrefix("NOTIFY_SOCKET=") || $0.hasPrefix("WATCHDOG_USEC=") })
        }

        _ = try receive(until: "WATCHDOG=1", from: socket)

        supervisor.signal(SIGHUP)
        let reloading = try receive(until: "RELOADING=1", from: socket).last!
        let monotonic = try #require(reloading.split(separator: "\n").first { $0.hasPrefix("MONOTONIC_USEC=") })
        let stamp = try #require(UInt64(monotonic.dropFirst("MONOTONIC_USEC=".count)))
        let now = SystemdState.currentMonotonicMicroseconds()
        #expect(stamp <= now && now - stamp < 30_000_000)
        _ = try receive(until: "READY=1", from: socket, timeout: .seconds(30))

        supervisor.signal(SIGTERM)
        _ = try receive(until: "STOPPING=1", from: socket)
        #expect(await supervisor.process.waitForExit() == .exited(0))
    }

    @Test("a supervisor whose loop is blocked stops sending WATCHDOG until the loop turns again")
    func blockedLoopStopsWatchdog() async throws {
        let socket = try NotifySocketReceiver(.abstract)
        let supervisor = try await SupervisorProcess.start(environment: [
            "NOTIFY_SOCKET": socket.notifySocket, "WATCHDOG_USEC": "400000", "OFFLOAD_TEST_STALL_LOOP_SECONDS": "4",
        ])
        _ = try receive(until: "READY=1", from: socket)
        _ = socket.drain()
        var previousPing = try #require(nextPing(from: socket)).sentAt

        supervisor.signal(SIGUSR2)
        // Judged by the kernel's send timestamps, not by when this test reads: a loaded machine can delay
        // the reading by seconds (a CI run read the block's log line after the loop had already resumed).
        // The loop blocks for 4 s and pings every 200 ms otherwise, so a silence of 3 s between two
        // WATCHDOG=1 is the block, and the ping that ends it shows the loop turning again.
        var longestSilence = Duration.zero
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline, longestSilence < .seconds(3), let ping = nextPing(from: socket) {
            longestSilence = max(longestSilence, ping.sentAt - previousPing)
            previousPing = ping.sentAt
        }
        #expect(longestSilence >= .seconds(3), "the longest silence between two WATCHDOG=1 was \(longestSilence)")
        // The supervisor's log reaches this test through a pipe, and can arrive after the pings.
        try await supervisor.waitForLog("blocking the supervision loop")
    }
}
