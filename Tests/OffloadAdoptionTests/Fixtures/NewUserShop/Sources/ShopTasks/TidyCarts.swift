import Offload

/// Clears abandoned carts, every second here (every hour in a real shop): the supervisor enqueues it.
public struct TidyCarts: BackgroundTask {
    public static let name = "shop.tidy-carts"
    public static let options = TaskOptions(queueName: "maintenance")
    public static let schedule: TaskSchedule? = .every(.seconds(1))

    public static func run(_ arguments: NoArguments, context: TaskContext) async throws -> NoOutput {
        NoOutput()
    }
}
