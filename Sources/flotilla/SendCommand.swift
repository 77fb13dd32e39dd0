import ArgumentParser
import FlotillaClient
import FlotillaCore
import FlotillaTmux
import Foundation

/// Types a prompt into an agent's pane safely: whole, once, submitted, never into a busy agent.
struct SendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Type TEXT into an agent's pane (waits until it is idle; whole, once, submitted).",
        discussion: """
            When the hub at hub.url watches the fleet's panes, the text goes through its command \
            queue (POST /api/agents/NAME/command), so it never interleaves with commands typed \
            through the API; otherwise this process types it itself.
            """
    )

    @OptionGroup var fleet: FleetOptions

    @Argument(help: "The agent.")
    var name: String

    @Argument(help: "The text (use - to read it from standard input).")
    var text: String

    @Flag(help: "Type even if the agent looks busy, without waiting behind queued commands.")
    var force = false

    @Option(help: "Seconds to wait for the agent to become idle.")
    var timeout: Double = 600

    func run() async throws {
        let fleet = try self.fleet.load()
        let body = text == "-" ? String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self) : text
        if let answer = try await sendThroughHub(fleet, body) {
            guard answer["status"] == "sent" else {
                if answer["status"] == "queued" {
                    let id = answer["id"]?.intValue ?? 0
                    throw Console.fail("error: still queued in the hub as command \(id) after \(timeout)s (the agent is not ready for input); it will be typed when it is, or cancel it with `flotilla commands \(name) --cancel \(id)`")
                }
                throw Console.fail("error: \(answer["error"]?["code"]?.stringValue ?? "failed"): \(answer["error"]?["message"]?.stringValue ?? "not sent") (after \(answer["attempts"]?.intValue ?? 0) attempts)")
            }
            Console.print("sent to \(name) through the hub (\(answer["method"]?.stringValue ?? "?"), command \(answer["id"]?.intValue ?? 0))")
            return
        }
        let record = try await FleetOptions.run { () -> CommandRecord in
            let pane = try await fleet.pane(of: name)
            let classifier = try fleet.classifier(for: name)
            let configuration = TypingConfiguration(readyTimeout: .milliseconds(Int64(timeout * 1000)))
            let audit = CommandAudit(path: fleet.file.stateDirectory + "/commands.jsonl")
            return try await ControlModeClient.withConnection(fleet.tmux, session: fleet.file.session) { control in
                let queue = CommandQueue(typer: SafeTyper(screen: PaneScreen(tmux: fleet.tmux, control: control), configuration: configuration), audit: audit)
                return try await queue.send(body, to: pane.id, agent: name, classifier: classifier, force: force)
            }
        }
        guard record.outcome == .sent else {
            throw Console.fail("error: \(record.errorCode ?? "failed"): \(record.errorMessage ?? "not sent") (after \(record.attempts) attempts)")
        }
        Console.print("sent to \(name) (\(record.method?.rawValue ?? "?"), \(record.attempts) attempt\(record.attempts == 1 ? "" : "s"))")
    }

    /// The hub's command record when a hub watching this fleet's socket and agent answers, else nil.
    private func sendThroughHub(_ fleet: Fleet, _ text: String) async throws -> JSONValue? {
        let client = HubClient(baseURL: fleet.file.hub.url, token: PsCommand.token(for: fleet))
        guard let watch = try? await client.send(.GET, "/api/watch", timeout: .seconds(2)).body,
              watch["enabled"] == true,
              watch["socket"]?.stringValue == fleet.tmux.configuration.socketName,
              watch["agents"]?.arrayValue?.contains(where: { $0["agent"]?.stringValue == name }) == true
        else { return nil }
        let wait = min(600, max(0, timeout))
        do {
            return try await client.send(
                .POST, "/api/agents/\(name.pathSegment)/command?wait=\(wait)", body: ["text": .string(text), "force": .bool(force)],
                timeout: .seconds(Int64(wait) + 30)
            ).body
        } catch {
            throw ClientOptions.report(error, hubURL: fleet.file.hub.url)
        }
    }
}
