/// The qualified names of Offload's tables in one schema.
///
/// Every statement names its tables with the schema, so it works on any connection whatever its
/// `search_path`, including the app's own in ``PostgresTaskStore/enqueue(_:on:)``. The schema name
/// is checked to be a plain lowercase identifier before it gets here, so quoting it is enough.
struct PostgresSchemaNames: Sendable {
    let schema: String
    let task: String
    let worker: String
    let schemaVersion: String
    let channel: String

    init(_ configuration: PostgresStoreConfiguration) {
        schema = configuration.schema
        let prefix = "\"\(configuration.schema)\"."
        task = prefix + "offload_task"
        worker = prefix + "offload_worker"
        schemaVersion = prefix + "offload_schema_version"
        channel = configuration.notificationChannel
    }
}
