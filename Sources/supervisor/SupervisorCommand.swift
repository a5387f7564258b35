import ArgumentParser

/// `supervisor`: run worker processes for every queue and keep them running.
@main
struct SupervisorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "supervisor",
        abstract: "Run and watch Offload worker processes, per queue.",
        subcommands: [RunCommand.self, ControlCommand.self],
        defaultSubcommand: RunCommand.self)
}
