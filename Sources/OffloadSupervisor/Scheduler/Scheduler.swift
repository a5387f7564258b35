import Foundation
import Logging
import Offload

/// Enqueues periodic tasks: runs in every supervisor, beside its loop (a child task that never sends the
/// loop anything, so a slow or absent database cannot stall supervision).
///
/// There is no leader. Every supervisor tries every due slot; the store enqueues a slot only together with
/// its slot row, whose primary key lets one claimer win (``TaskStore/enqueueScheduled(_:_:)``). A store
/// error leaves the slot due: it is tried again on the next pass, by this supervisor or another.
struct Scheduler: Sendable {
    let book: ScheduleBook
    let store: any TaskStore
    let logger: Logger
    /// A slot up to this late is on time: a stalled machine or a restart within it loses no run.
    static let onTimeWindow: TimeInterval = 60
    /// The most on-time slots enqueued in one pass (a one-second schedule after a minute's stall).
    static let maximumSlotsPerPass = 120

    func run() async {
        var lastSeen: [String: Date] = [:]
        var inForce: [ScheduledTask] = []
        while !Task.isCancelled {
            let tasks = book.current
            if tasks != inForce {
                await start(tasks, lastSeen: &lastSeen)
                inForce = tasks
            }
            guard !tasks.isEmpty else {
                // Nothing to run: sleep until a reload brings schedules (the hour only bounds a lost ring).
                await book.changed.wait(timeout: .seconds(3600))
                continue
            }
            let now = Date()
            var wake = now.addingTimeInterval(1)
            for task in tasks {
                let seen = lastSeen[task.name] ?? now
                var reached = seen
                for slot in Self.dueSlots(of: task.schedule, lastSeen: seen, now: now) {
                    do {
                        let next = task.schedule.slot(after: slot)
                        // Its run_after is its slot: ready at once, and each task says which slot it is.
                        var request = task.request
                        request.runAfter = slot
                        if let record = try await store.enqueueScheduled(ScheduleSlot(scheduleName: task.name, time: slot, nextTime: next), request) {
                            logger.info("schedule \(task.name): enqueued #\(record.id) \(task.request.taskName) for the slot \(slot)")
                        }
                        reached = slot
                    } catch {
                        logger.error("schedule \(task.name): could not enqueue the slot \(slot): \(error); trying again")
                        break
                    }
                }
                lastSeen[task.name] = reached
                if let next = task.schedule.slot(after: max(reached, now)), next < wake { wake = next }
            }
            // Wake just after the next slot (or within a second, to retry, to notice clock changes and reloads).
            let delay = max(0.005, wake.timeIntervalSince(Date()) + 0.005)
            await book.changed.wait(timeout: .milliseconds(Int64(min(delay, 1) * 1000)))
        }
    }

    /// Takes up `tasks`: a schedule seen before (in the database, or in this run) resumes after its last slot;
    /// a new one starts now, with nothing missed. Records each in the schedules table for `offload schedules`.
    private func start(_ tasks: [ScheduledTask], lastSeen: inout [String: Date]) async {
        guard !tasks.isEmpty else {
            lastSeen = [:]
            return
        }
        let now = Date()
        var states: [ScheduleState] = []
        do {
            states = try await store.scheduleStates()
        } catch {
            logger.error("could not read the schedules' last runs: \(error); slots missed before now are not caught up")
        }
        var seen: [String: Date] = [:]
        for task in tasks {
            // A last slot in the future (a damaged row, a clock set back) must not hold the schedule back.
            seen[task.name] = min(lastSeen[task.name] ?? states.first { $0.name == task.name }?.lastSlot ?? now, now)
            do {
                try await store.registerSchedule(ScheduleRegistration(name: task.name, taskName: task.request.taskName, summary: task.schedule.summary, nextTime: task.schedule.slot(after: now)))
            } catch {
                logger.error("could not record the schedule \(task.name): \(error)")
            }
        }
        lastSeen = seen
        logger.notice("scheduling \(tasks.count) periodic task(s): \(tasks.map { "\($0.name) (\($0.schedule.summary))" }.joined(separator: ", "))")
    }

    /// The slots to try now, oldest first: every slot since `lastSeen` that is within the on-time window,
    /// and, for slots missed before that window, at most one (the latest, `runLatest`) or none (`skip`).
    static func dueSlots(of schedule: TaskSchedule, lastSeen: Date, now: Date) -> [Date] {
        let windowStart = now.addingTimeInterval(-onTimeWindow)
        let onTime = schedule.slots(after: max(lastSeen, windowStart), through: now, limit: maximumSlotsPerPass)
        guard lastSeen < windowStart, onTime.isEmpty, schedule.missed == .runLatest else { return onTime }
        return schedule.slots(after: lastSeen, through: windowStart, limit: 1)
    }
}
