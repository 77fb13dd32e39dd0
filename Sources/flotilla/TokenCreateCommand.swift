import ArgumentParser
import FlotillaClient
import FlotillaCore

/// Creates a token; the secret is shown once, on the last line.
struct TokenCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a token; the token itself is the last line printed (shown only once).",
        discussion: "With --json, standard output is one JSON document, the token in its `token` member."
    )

    @OptionGroup var client: ClientOptions

    @Option(help: "Name of the token (who or what uses it).")
    var name: String

    @Option(help: "Restrict an agent token to this role.")
    var role: String?

    @Option(name: .customLong("agent-id"), help: "The agent id an agent token registers as (default: --name); it may register as no other.")
    var agentID: String?

    @Option(help: "agent (connect as an agent), viewer (read the API), submitter (read; submit, cancel, retry tasks) or admin (full API access).")
    var scope = "agent"

    func validate() throws {
        guard ["agent", "viewer", "submitter", "admin"].contains(scope) else {
            throw ValidationError("--scope must be 'agent', 'viewer', 'submitter' or 'admin'.")
        }
    }

    func run() async throws {
        let created = try await client.call { try await $0.createToken(name: name, scope: scope, role: role, agentID: agentID) }
        guard let token = created["token"]?.stringValue else {
            throw Console.fail("error: the hub's answer has no token: \(created.jsonString)")
        }
        // One JSON document with --json (the token is in it), so `jq` can read the output.
        if client.json {
            Console.print(created.jsonString)
            return
        }
        Console.print("id: \(Console.cell(created["id"]))  name: \(Console.cell(created["name"]))  scope: \(Console.cell(created["scope"]))  role: \(Console.cell(created["role"]))")
        // For `flotilla agent --broker … --hub-key KEY`: the key the agent pins (docs/mqtt.md).
        if let key = created["hub_key"]?.stringValue { Console.print("hub key (for --hub-key): \(key)") }
        // Last, so `flotilla token create … | tail -n 1 > NAME.token` keeps just the secret.
        Console.print(token)
    }
}
