extension PostgresMigrations {
    /// Periodic tasks: the slot table's primary key makes each slot enqueue once across hosts.
    static func addSchedules(_ names: PostgresSchemaNames) -> [String] {
        [
            """
            CREATE TABLE \(names.scheduleSlot) (
                schedule_name text NOT NULL,
                slot_time timestamptz NOT NULL,
                task_id bigint,
                PRIMARY KEY (schedule_name, slot_time)
            )
            """,
            """
            CREATE TABLE \(names.schedule) (
                name text PRIMARY KEY,
                task_name text NOT NULL,
                summary text NOT NULL,
                next_run timestamptz,
                last_slot timestamptz,
                last_task_id bigint,
                updated_at timestamptz NOT NULL
            )
            """,
        ]
    }
}

extension PostgresSchemaNames {
    var scheduleSlot: String { "\"\(schema)\".offload_schedule_slot" }
    var schedule: String { "\"\(schema)\".offload_schedule" }
}
