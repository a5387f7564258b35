import Foundation
import OffloadSupervisor
import Testing

@Suite("SystemdNotifier")
struct SystemdNotifierTests {
    /// The sequence a supervisor sends over its life, one datagram each.
    static let lifecycle: [[SystemdState]] = [
        [.ready], [.status("default: 2 workers, 3 pending")], [.watchdog], [.reloading()], [.stopping],
    ]

    @Test("a socket at NOTIFY_SOCKET receives exactly the messages sent, in order", arguments: [NotifySocketReceiver.Kind.path, .abstract])
    func deliversEachNotificationInOrder(kind: NotifySocketReceiver.Kind) throws {
        let receiver = try NotifySocketReceiver(kind)
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": receiver.notifySocket])

        for states in Self.lifecycle { #expect(try notifier.notify(states)) }

        #expect(receiver.receive() == "READY=1")
        #expect(receiver.receive() == "STATUS=default: 2 workers, 3 pending")
        #expect(receiver.receive() == "WATCHDOG=1")
        #expect(receiver.receive()?.hasPrefix("RELOADING=1\nMONOTONIC_USEC=") == true)
        #expect(receiver.receive() == "STOPPING=1")
        #expect(receiver.drain() == [])
    }

    @Test("RELOADING=1 carries MONOTONIC_USEC read from CLOCK_MONOTONIC at the time of the call")
    func reloadingCarriesTheMonotonicClock() throws {
        let receiver = try NotifySocketReceiver(.abstract)
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": receiver.notifySocket])

        let before = SystemdState.currentMonotonicMicroseconds()
        try notifier.notify(.reloading())
        let after = SystemdState.currentMonotonicMicroseconds()

        let lines = try #require(receiver.receive()).split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.first == "RELOADING=1")
        #expect(lines.last?.hasPrefix("MONOTONIC_USEC=") == true)
        let stamp = try #require(lines.last.flatMap { UInt64($0.dropFirst("MONOTONIC_USEC=".count)) })
        #expect((before...after).contains(stamp))
        // Read CLOCK_MONOTONIC here too, so the stamp is not only checked against the helper that made it.
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let independent = UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
        #expect(stamp <= independent && independent - stamp < 5_000_000)
    }

    @Test("states sent together arrive as one datagram, one line each")
    func statesSentTogetherShareOneDatagram() throws {
        let receiver = try NotifySocketReceiver(.path)
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": receiver.notifySocket])

        try notifier.notify(.ready, .status("reloaded"), .mainPID(4242), .extendTimeout(.seconds(20)))

        #expect(receiver.receive() == "READY=1\nSTATUS=reloaded\nMAINPID=4242\nEXTEND_TIMEOUT_USEC=20000000")
    }

    @Test("a newline in a status cannot smuggle in another assignment")
    func statusNewlinesAreFlattened() throws {
        let receiver = try NotifySocketReceiver(.abstract)
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": receiver.notifySocket])

        try notifier.notify(.status("queue \"x\nREADY=1\""))

        #expect(receiver.receive() == "STATUS=queue \"x READY=1\"")
    }

    @Test("without NOTIFY_SOCKET nothing is sent and nothing fails", arguments: [[:], ["NOTIFY_SOCKET": ""]])
    func disabledWithoutNotifySocket(environment: [String: String]) throws {
        let notifier = SystemdNotifier(environment: environment)

        #expect(!notifier.isEnabled)
        for states in Self.lifecycle { #expect(try notifier.notify(states) == false) }
    }

    @Test("an empty list of states sends no datagram")
    func emptyStatesSendNothing() throws {
        let receiver = try NotifySocketReceiver(.path)
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": receiver.notifySocket])

        #expect(try notifier.notify([]) == false)
        try notifier.notify(.watchdog)

        #expect(receiver.drain() == ["WATCHDOG=1"])
    }

    @Test("a NOTIFY_SOCKET nobody listens on is a sendFailed error naming the socket")
    func nobodyListeningIsAnError() throws {
        let socket = "/tmp/offload-notify-missing-\(UUID().uuidString.prefix(8)).sock"
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": socket])

        let error = #expect(throws: SystemdNotifyError.self) { try notifier.notify(.ready) }

        #expect(error?.code == .sendFailed)
        #expect(error?.errno == ENOENT)
        #expect(error?.message.contains(socket) == true)
        #expect(error?.message.contains("READY=1") == true)
    }

    @Test("a NOTIFY_SOCKET that is neither absolute nor abstract is rejected", arguments: ["run/notify", "vsock:2:1234"])
    func invalidAddressIsRejected(socket: String) throws {
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": socket])

        let error = #expect(throws: SystemdNotifyError.self) { try notifier.notify(.ready) }

        #expect(error?.code == .invalidSocketAddress)
    }

    @Test("a NOTIFY_SOCKET longer than a Unix socket address is rejected")
    func overlongAddressIsRejected() throws {
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": "/" + String(repeating: "x", count: 120)])

        let error = #expect(throws: SystemdNotifyError.self) { try notifier.notify(.ready) }

        #expect(error?.code == .invalidSocketAddress)
    }
}
