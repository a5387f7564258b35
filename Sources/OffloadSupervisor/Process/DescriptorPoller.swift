import CSystemShims
import Foundation
import Glibc
import Synchronization

/// One thread that waits, with `poll(2)`, on every descriptor the supervisor reads from its children:
/// their output pipes, their status pipes and their pidfds. Handlers and timers run on that thread, one
/// at a time.
///
/// Not dispatch read sources, which is what these readers used before: libdispatch's epoll backend keys
/// each registration by a pointer to its bookkeeping, and tearing down read sources on pipes while children
/// exit and their descriptor numbers are reused intermittently left a registration pointing at freed
/// memory, which its manager thread then dereferenced. The supervisor crashed in `_dispatch_event_loop_drain`
/// ("Bad pointer dereference at 0xffffffff") in 3 of 16 local runs of `SpawnStartupFailureTests`, and once in
/// CI; the same crash is reported upstream on the same teardown path (swift-corelibs-foundation#5507).
/// Here nothing outlives its owner: `poll` is handed the armed descriptors afresh on every turn, a handler is
/// found by its registration number, and a registration is removed before its owner closes the descriptor,
/// so a stale readiness finds nothing to call.
///
/// A watch is one-shot: after its handler ran, the descriptor is not polled again until ``rearm(_:)``. That
/// is how a reader pauses (the status pipe's batching) without spinning on a descriptor left readable.
final class DescriptorPoller: Sendable {
    /// The process-wide poller; its thread starts on first use and never stops.
    static let shared = DescriptorPoller()

    /// How many reads a handler makes before it rearms and lets the other descriptors have their turn.
    static let readsPerTurn = 16

    /// A watched descriptor, as ``watch(_:handler:)`` returns it.
    struct Registration: Hashable, Sendable {
        fileprivate let number: UInt64
    }

    private struct Watch {
        let descriptor: Int32
        let handler: @Sendable (Registration) -> Void
        var armed: Bool
    }

    private struct Timer {
        let deadline: ContinuousClock.Instant
        let action: @Sendable () -> Void
    }

    private struct State {
        var nextNumber: UInt64 = 1
        var watches: [UInt64: Watch] = [:]
        var timers: [Timer] = []
    }

    private let state = Mutex(State())
    /// A self-pipe: a byte written to `wakeWrite` ends the thread's `poll`, so a watch or a timer added from
    /// another thread is taken into account at once.
    private let wakeRead: Int32
    private let wakeWrite: Int32
    /// The poller thread's `pthread_self()`, once it runs: a rearm or a timer set from a handler needs no
    /// wake-up, since the thread collects the armed watches and timers before its next `poll`.
    private let pollerThread = Atomic<UInt>(0)

    private init() {
        var ends: [Int32] = [-1, -1]
        // Without it the supervisor could watch no child at all; it runs at start-up, long before the
        // process could have used up its descriptors.
        precondition(offload_pipe_cloexec(&ends) == 0, "cannot create the descriptor poller's wake-up pipe (errno \(errno))")
        wakeRead = ends[0]
        wakeWrite = ends[1]
        for end in ends {
            let flags = fcntl(end, F_GETFL)
            if flags >= 0 { _ = fcntl(end, F_SETFL, flags | O_NONBLOCK) }
        }
        // The singleton lives as long as the process, so the thread may hold it strongly.
        let thread = Thread { [self] in runForever() }
        thread.name = "offload-poller"
        thread.start()
    }

    /// Calls `handler` on the poller's thread once `descriptor` is readable, has reached end-of-file or has
    /// failed, with the registration this returns. The handler must read until `EAGAIN`, then call
    /// ``rearm(_:)`` to hear about more, or ``remove(_:)`` before closing the descriptor. The poller keeps
    /// the handler, and what it captures, until ``remove(_:)``.
    @discardableResult
    func watch(_ descriptor: Int32, handler: @escaping @Sendable (Registration) -> Void) -> Registration {
        let number = state.withLock { state in
            let number = state.nextNumber
            state.nextNumber &+= 1
            state.watches[number] = Watch(descriptor: descriptor, handler: handler, armed: true)
            return number
        }
        wakeUp()
        return Registration(number: number)
    }

    /// Polls the descriptor again: its handler runs at the next readiness.
    func rearm(_ registration: Registration) {
        let rearmed = state.withLock { state in
            guard state.watches[registration.number] != nil else { return false }
            state.watches[registration.number]?.armed = true
            return true
        }
        if rearmed && !isPollerThread { wakeUp() }
    }

    /// Forgets the registration: its handler never runs again, and the descriptor may be closed.
    func remove(_ registration: Registration) {
        _ = state.withLock { $0.watches.removeValue(forKey: registration.number) }
    }

    /// Runs `action` on the poller's thread after `delay`.
    func after(_ delay: Duration, _ action: @escaping @Sendable () -> Void) {
        let deadline = ContinuousClock.now.advanced(by: max(.zero, delay))
        state.withLock { $0.timers.append(Timer(deadline: deadline, action: action)) }
        if !isPollerThread { wakeUp() }
    }

    private var isPollerThread: Bool { pollerThread.load(ordering: .relaxed) == UInt(pthread_self()) }

    private func wakeUp() {
        var byte: UInt8 = 1
        // EAGAIN: the pipe already holds wake-ups the thread has not read; one is enough.
        _ = write(wakeWrite, &byte, 1)
    }

    private func runForever() -> Never {
        pollerThread.store(UInt(pthread_self()), ordering: .relaxed)
        var descriptors: [pollfd] = []
        var numbers: [UInt64] = []
        while true {
            let timeout = collectArmed(into: &descriptors, numbers: &numbers)
            let ready = poll(&descriptors, nfds_t(descriptors.count), timeout)
            if ready > 0 {
                if descriptors[0].revents != 0 { drainWakeUps() }
                for index in descriptors.indices.dropFirst() where descriptors[index].revents != 0 {
                    run(number: numbers[index])
                }
            }
            // ready == -1 is EINTR (or ENOMEM, retried the same way); the timers are due either way.
            runDueTimers()
        }
    }

    /// Fills `descriptors` with the wake-up pipe and every armed watch; returns `poll`'s timeout in
    /// milliseconds until the earliest timer (-1: none).
    private func collectArmed(into descriptors: inout [pollfd], numbers: inout [UInt64]) -> Int32 {
        descriptors.removeAll(keepingCapacity: true)
        numbers.removeAll(keepingCapacity: true)
        descriptors.append(pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0))
        numbers.append(0)
        let earliest: ContinuousClock.Instant? = state.withLock { state in
            for (number, watch) in state.watches where watch.armed {
                descriptors.append(pollfd(fd: watch.descriptor, events: Int16(POLLIN), revents: 0))
                numbers.append(number)
            }
            return state.timers.map(\.deadline).min()
        }
        guard let earliest else { return -1 }
        let wait = earliest - ContinuousClock.now
        guard wait > .zero else { return 0 }
        let (seconds, attoseconds) = wait.components
        // A day at most (the timers here are milliseconds to seconds); rounded up, so a timer is never
        // woken for early and polled again with a zero timeout.
        guard seconds < 86_400 else { return 86_400_000 }
        return Int32(seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
    }

    /// Disarms the watch and runs its handler, unless it was removed since `poll` was handed it.
    private func run(number: UInt64) {
        let handler: (@Sendable (Registration) -> Void)? = state.withLock { state in
            guard state.watches[number]?.armed == true else { return nil }
            state.watches[number]?.armed = false
            return state.watches[number]?.handler
        }
        handler?(Registration(number: number))
    }

    private func runDueTimers() {
        let now = ContinuousClock.now
        let due: [Timer] = state.withLock { state in
            var due: [Timer] = []
            state.timers.removeAll { timer in
                guard timer.deadline <= now else { return false }
                due.append(timer)
                return true
            }
            return due
        }
        for timer in due.sorted(by: { $0.deadline < $1.deadline }) { timer.action() }
    }

    private func drainWakeUps() {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { buffer in
            while read(wakeRead, buffer.baseAddress, buffer.count) > 0 {}
        }
    }
}
