import Foundation
import GRDB
import Offload

extension SQLiteTaskStore {
    public func enqueueScheduled(_ slot: ScheduleSlot, _ request: TaskRequest) async throws -> TaskRecord? {
        try validateForInsert(request)
        let record: TaskRecord? = try writeTransaction(acknowledgingEnqueue: true) { db in
            let slotTime = DatabaseTime.micros(slot.time)
            try db.execute(
                sql: "INSERT INTO offload_schedule_slot (schedule_name, slot_time) VALUES (?, ?) ON CONFLICT DO NOTHING",
                arguments: [slot.scheduleName, slotTime])
            guard db.changesCount == 1 else { return nil }
            let record = try insert(request, db: db)
            try db.execute(
                sql: "UPDATE offload_schedule_slot SET task_id = ? WHERE schedule_name = ? AND slot_time = ?",
                arguments: [record.id.rawValue, slot.scheduleName, slotTime])
            try db.execute(sql: """
                INSERT INTO offload_schedule (name, task_name, summary, next_run, last_slot, last_task_id, updated_at)
                VALUES (?, ?, '', ?, ?, ?, ?)
                ON CONFLICT (name) DO UPDATE SET
                    task_name = excluded.task_name,
                    next_run = excluded.next_run,
                    last_slot = excluded.last_slot,
                    last_task_id = excluded.last_task_id,
                    updated_at = excluded.updated_at
                WHERE offload_schedule.last_slot IS NULL OR offload_schedule.last_slot < excluded.last_slot
                """, arguments: [slot.scheduleName, request.taskName, slot.nextTime.map(DatabaseTime.micros), slotTime, record.id.rawValue, DatabaseTime.micros(Date())])
            try db.execute(
                sql: "DELETE FROM offload_schedule_slot WHERE schedule_name = ? AND slot_time < ?",
                arguments: [slot.scheduleName, DatabaseTime.micros(slot.time.addingTimeInterval(-scheduleSlotRetention))])
            return record
        }
        if record != nil { CommitAnnouncement.announce(databaseAt: path) }
        return record
    }

    public func registerSchedule(_ registration: ScheduleRegistration) async throws {
        try writeTransaction { db in
            try db.execute(sql: """
                INSERT INTO offload_schedule (name, task_name, summary, next_run, updated_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (name) DO UPDATE SET
                    task_name = excluded.task_name, summary = excluded.summary, next_run = excluded.next_run, updated_at = excluded.updated_at
                """, arguments: [registration.name, registration.taskName, registration.summary, registration.nextTime.map(DatabaseTime.micros), DatabaseTime.micros(Date())])
        }
    }

    public func scheduleStates() async throws -> [ScheduleState] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT s.name, s.task_name, s.summary, s.next_run, s.last_slot, s.last_task_id, t.status
                FROM offload_schedule s LEFT JOIN offload_task t ON t.id = s.last_task_id
                ORDER BY s.name
                """).map { row in
                ScheduleState(
                    name: row[0], taskName: row[1], summary: row[2],
                    nextTime: DatabaseTime.date(row[3] as Int64?), lastSlot: DatabaseTime.date(row[4] as Int64?),
                    lastTaskID: (row[5] as Int64?).map { TaskResultID($0) }, lastStatus: (row[6] as String?).flatMap(TaskStatus.init(rawValue:)))
            }
        }
    }
}
