import ArgumentParser

/// Starts one agent of the running fleet again, e.g. after `flotilla stop NAME`.
struct StartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "start", abstract: "Start a stopped agent of the running fleet again.")

    @OptionGroup var agent: FleetAgentArguments

    func run() async throws {
        try await agent.perform("started") { fleet, name in try await fleet.start(name) }
    }
}
