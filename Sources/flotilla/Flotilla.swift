import ArgumentParser

/// The Flotilla command line: run the hub, submit and inspect tasks, watch events, manage tokens.
@main
struct Flotilla: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flotilla",
        abstract: "A hub that queues tasks durably and hands them to AI coding agents.",
        discussion: """
            Client commands talk to the hub at --hub (env FLOTILLA_HUB, default http://127.0.0.1:7700) \
            with --token (env FLOTILLA_TOKEN, else <data-dir>/admin.token).
            """,
        version: "0.1.0",
        subcommands: [
            HubCommand.self,
            AgentCommand.self,
            SubmitCommand.self,
            TasksCommand.self,
            WorkflowCommand.self,
            AgentsCommand.self,
            StatsCommand.self,
            CostsCommand.self,
            BudgetsCommand.self,
            ApprovalsCommand.self,
            WatchCommand.self,
            TokenCommand.self,
            BenchCommand.self,
            MqttBenchCommand.self,
            MqttCommand.self,
            UpCommand.self,
            PsCommand.self,
            AttachCommand.self,
            RestartCommand.self,
            StartCommand.self,
            StopCommand.self,
            LogsCommand.self,
            SendCommand.self,
            CommandsCommand.self,
            WatchSessionCommand.self,
            InitCommand.self,
            DoctorCommand.self,
            DashboardCommand.self,
            DemoCommand.self,
        ]
    )
}
