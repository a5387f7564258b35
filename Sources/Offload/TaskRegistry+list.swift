extension TaskRegistry {
    /// Adds every task of a list, such as the `all` of a `@TaskNamespace` enum (OffloadMacros).
    /// Registering two tasks under one name is a programming error and traps, as for one task.
    public func register(_ tasks: [any BackgroundTask.Type]) {
        for task in tasks {
            register(task)
        }
    }
}
