import ArgumentParser

/// Groups the commands that inspect and control tasks.
struct TasksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tasks",
        abstract: "List, show, cancel and retry tasks.",
        subcommands: [TasksListCommand.self, TasksShowCommand.self, TasksCancelCommand.self, TasksRetryCommand.self, TasksLogsCommand.self]
    )
}
