import ArgumentParser
import FlotillaClient
import FlotillaCore
import Foundation

/// Lists a watched agent's pane commands (typed and still queued) and cancels queued ones.
struct CommandsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "commands",
        abstract: "List the commands typed into (or queued for) an agent's pane; cancel queued ones.",
        discussion: """
            Asks the hub that watches the panes (GET /api/agents/NAME/commands). With --cancel ID \
            a command still waiting in the queue is dropped before anything of it is typed \
            (POST /api/agents/NAME/commands/ID/cancel); one being typed or finished is not.
            """
    )

    @OptionGroup var client: ClientOptions

    @Argument(help: "The agent (its fleet name, or an adopted tmux session's name).")
    var name: String

    @Option(help: ArgumentHelp("Cancel this queued command.", valueName: "id"))
    var cancel: Int?

    @Flag(help: "Only the commands still queued.")
    var queued = false

    func run() async throws {
        let path = "/api/agents/\(name.pathSegment)/commands"
        if let cancel {
            let answer = try await client.call { try await $0.send(.POST, "\(path)/\(cancel)/cancel", timeout: .seconds(20)).body }
            if client.json { return Console.print(answer.jsonString) }
            return Console.print("cancelled command \(cancel) of \(name): \(answer["text"]?.stringValue ?? "")")
        }
        var answer = try await client.call { try await $0.send(.GET, path, timeout: .seconds(10)).body }
        var commands = answer["commands"]?.arrayValue ?? []
        if queued {
            commands = commands.filter { $0["status"] == "queued" }
            answer = ["agent": .string(name), "commands": .array(commands)]
        }
        if client.json { return Console.print(answer.jsonString) }
        Console.table(["ID", "STATUS", "FORCE", "QUEUED", "ERROR", "TEXT"], commands.map { command in
            let text = command["text"]?.stringValue ?? ""
            return [
                Console.cell(command["id"]), Console.cell(command["status"]), Console.cell(command["force"]),
                Console.cell(command["queued_at"]), command["error"]?["code"]?.stringValue ?? "-",
                Self.oneLine(text),
            ]
        })
    }

    /// The first line of `text`, at most 60 characters, with an ellipsis when cut.
    static func oneLine(_ text: String) -> String {
        let first = text.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
        let cut = first.count > 60 || first.count < text.count
        return String(first.prefix(60)) + (cut ? "…" : "")
    }
}
