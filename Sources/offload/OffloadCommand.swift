import ArgumentParser

/// `offload`: inspect and manage the task database from the shell.
@main
struct OffloadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "offload",
        abstract: "Inspect and manage Offload's task database.",
        subcommands: [
            EnqueueCommand.self, ShowCommand.self, ListCommand.self, CountsCommand.self,
            StatusCommand.self, RetryCommand.self, PruneCommand.self,
            CancelCommand.self, SchedulesCommand.self, WebCommand.self,
            PauseCommand.self, ResumeCommand.self,
            MetricsCommand.self,
        ])
}
