/// A store that keeps no schedules (a test double wrapping a real store) says so when asked, loudly:
/// a supervisor on it logs the error for each schedule rather than run it without its exactly-once guarantee.
extension TaskStore {
    public func enqueueScheduled(_ slot: ScheduleSlot, _ request: TaskRequest) async throws -> TaskRecord? {
        throw OffloadError(.invalidConfiguration, "This task store (\(type(of: self))) does not keep schedules, so the schedule \(slot.scheduleName) cannot run on it.")
    }

    public func registerSchedule(_ registration: ScheduleRegistration) async throws {
        throw OffloadError(.invalidConfiguration, "This task store (\(type(of: self))) does not keep schedules (\(registration.name)).")
    }

    public func scheduleStates() async throws -> [ScheduleState] { [] }
}
