import Foundation
import Logging
import Offload
import PostgresNIO

extension PostgresTaskStore {
    public func enqueueScheduled(_ slot: ScheduleSlot, _ request: TaskRequest) async throws -> TaskRecord? {
        try request.validate()
        try checkSize(of: request)
        return try await withConnection { [self] connection in
            try await PostgresTransaction.run(on: connection, logger: logger) { connection in
                // The primary key decides: a concurrent claimer of the same slot waits for this transaction,
                // then inserts nothing. The task's NOTIFY is delivered only if all of it commits.
                let claimed = try await connection.query(PostgresQuery(
                    unsafeSQL: "INSERT INTO \(names.scheduleSlot) (schedule_name, slot_time) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1",
                    binds: bindings(slot.scheduleName, slot.time)), logger: logger).collect()
                guard !claimed.isEmpty else { return nil }
                let record = try await insert(request, on: connection)
                try await connection.perform(PostgresQuery(
                    unsafeSQL: "UPDATE \(names.scheduleSlot) SET task_id = $1 WHERE schedule_name = $2 AND slot_time = $3",
                    binds: bindings(record.id.rawValue, slot.scheduleName, slot.time)), logger: logger)
                var binds = PostgresBindings(capacity: 5)
                binds.append(slot.scheduleName)
                binds.append(request.taskName)
                binds.append(slot.nextTime)
                binds.append(slot.time)
                binds.append(record.id.rawValue)
                try await connection.perform(PostgresQuery(unsafeSQL: """
                    INSERT INTO \(names.schedule) AS s (name, task_name, summary, next_run, last_slot, last_task_id, updated_at)
                    VALUES ($1, $2, '', $3, $4, $5, now())
                    ON CONFLICT (name) DO UPDATE SET
                        task_name = excluded.task_name,
                        next_run = excluded.next_run,
                        last_slot = excluded.last_slot,
                        last_task_id = excluded.last_task_id,
                        updated_at = excluded.updated_at
                    WHERE s.last_slot IS NULL OR s.last_slot < excluded.last_slot
                    """, binds: binds), logger: logger)
                try await connection.perform(PostgresQuery(
                    unsafeSQL: "DELETE FROM \(names.scheduleSlot) WHERE schedule_name = $1 AND slot_time < $2",
                    binds: bindings(slot.scheduleName, slot.time.addingTimeInterval(-scheduleSlotRetention))), logger: logger)
                return record
            }
        }
    }

    public func registerSchedule(_ registration: ScheduleRegistration) async throws {
        var binds = PostgresBindings(capacity: 4)
        binds.append(registration.name)
        binds.append(registration.taskName)
        binds.append(registration.summary)
        binds.append(registration.nextTime)
        let query = PostgresQuery(unsafeSQL: """
            INSERT INTO \(names.schedule) (name, task_name, summary, next_run, updated_at) VALUES ($1, $2, $3, $4, now())
            ON CONFLICT (name) DO UPDATE SET
                task_name = excluded.task_name, summary = excluded.summary, next_run = excluded.next_run, updated_at = excluded.updated_at
            """, binds: binds)
        try await withConnection { [self] connection in try await connection.perform(query, logger: logger) }
    }

    public func scheduleStates() async throws -> [ScheduleState] {
        let query = PostgresQuery(unsafeSQL: """
            SELECT s.name, s.task_name, s.summary, s.next_run, s.last_slot, s.last_task_id, t.status
            FROM \(names.schedule) s LEFT JOIN \(names.task) t ON t.id = s.last_task_id
            ORDER BY s.name
            """)
        return try await withConnection { [self] connection in
            try await connection.query(query, logger: logger).collect().map { row in
                let (name, taskName, summary, next, last, taskID, status) = try row.decode((String, String, String, Date?, Date?, Int64?, String?).self)
                return ScheduleState(
                    name: name, taskName: taskName, summary: summary, nextTime: next, lastSlot: last,
                    lastTaskID: taskID.map { TaskResultID($0) }, lastStatus: status.flatMap(TaskStatus.init(rawValue:)))
            }
        }
    }
}
