import ArgumentParser
import FlotillaClient
import FlotillaCore

/// A ``HubAnswerCommand`` about one thing the hub keeps (a task, an agent, a token), named by
/// its id: `show`, `retry`, `cancel` and `revoke` differ only in what they ask and print.
protocol HubIDCommand: HubAnswerCommand {
    associatedtype Subject: HubSubject
    var target: IDArguments<Subject> { get }
    /// The hub's answer about `id` (already escaped as a path segment).
    func ask(_ hub: HubClient, id: String) async throws -> JSONValue
}

extension HubIDCommand {
    var client: ClientOptions { target.client }

    func ask(_ hub: HubClient) async throws -> JSONValue {
        try await ask(hub, id: target.id.pathSegment)
    }
}

/// What kind of thing an id names, for the argument's help.
protocol HubSubject {
    static var idHelp: String { get }
}

enum TaskSubject: HubSubject { static let idHelp = "Task id." }
enum AgentSubject: HubSubject { static let idHelp = "Agent id." }
enum TokenSubject: HubSubject { static let idHelp = "Token id (see 'flotilla token list')." }

/// The hub to ask and the id of the thing asked about.
struct IDArguments<Subject: HubSubject>: ParsableArguments {
    @OptionGroup var client: ClientOptions

    @Argument(help: ArgumentHelp(Subject.idHelp))
    var id: String
}
