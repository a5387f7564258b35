import GRDB

extension SchemaMigrations {
    /// Periodic tasks. A slot row's primary key (schedule, slot time) is what makes each slot enqueue
    /// once however many supervisors race for it; the schedule row is what `offload schedules` shows.
    /// New tables only: tasks and their claim are untouched.
    static func addSchedules(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE offload_schedule_slot (
                schedule_name TEXT NOT NULL,
                slot_time INTEGER NOT NULL,
                task_id INTEGER,
                PRIMARY KEY (schedule_name, slot_time)
            ) WITHOUT ROWID;

            CREATE TABLE offload_schedule (
                name TEXT PRIMARY KEY,
                task_name TEXT NOT NULL,
                summary TEXT NOT NULL,
                next_run INTEGER,
                last_slot INTEGER,
                last_task_id INTEGER,
                updated_at INTEGER NOT NULL
            ) WITHOUT ROWID;
            """)
    }
}
