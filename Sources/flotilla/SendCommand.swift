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

    @Argument(help: "The agent (left out with --all).")
    var name: String?

    @Argument(help: "The text (use - to read it from standard input).")
    var text: String?

    @Flag(help: "Type TEXT into every running agent of the fleet (each safely, all at once).")
    var all = false

    @Flag(help: "Type even if the agent looks busy, without waiting behind queued commands.")
    var force = false

    @Option(help: "Seconds to wait for the agent to become idle.")
    var timeout: Double = 600

    func validate() throws {
        if all {
            guard text == nil, name != nil else { throw ValidationError("With --all, give only the text: flotilla send --all TEXT.") }
        } else {
            guard name != nil, text != nil else { throw ValidationError("Give the agent and the text: flotilla send NAME TEXT (or --all TEXT).") }
        }
    }

    func run() async throws {
        let fleet = try self.fleet.load()
        // With --all the one argument is the text.
        let given = (all ? name : text) ?? ""
        let body = given == "-" ? String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self) : given
        guard all else {
            do {
                Console.print(try await Self.deliver(body, to: name!, in: fleet, force: force, timeout: timeout))
            } catch let failure as SendFailure {
                throw Console.fail("error: \(failure.message)")
            }
            return
        }
        let names = try await FleetOptions.run { try await fleet.agentPanes().compactMap(\.agentName) }.sorted()
        guard !names.isEmpty else { throw Console.fail("error: the fleet has no running agents") }
        let (force, timeout) = (self.force, self.timeout)
        let results = await withTaskGroup(of: (String, Result<String, any Error>).self) { group in
            for agent in names {
                group.addTask {
                    do { return (agent, .success(try await Self.deliver(body, to: agent, in: fleet, force: force, timeout: timeout))) } catch { return (agent, .failure(error)) }
                }
            }
            var results: [String: Result<String, any Error>] = [:]
            for await (agent, result) in group { results[agent] = result }
            return results
        }
        var failed = false
        for agent in names {
            switch results[agent]! {
            case .success(let line): Console.print(line)
            case .failure(let error as SendFailure): failed = true; Console.printError("error: \(agent): \(error.message)")
            case .failure(let error): failed = true; Console.printError("error: \(agent): \(error)")
            }
        }
        if failed { throw ExitCode(1) }
    }

    /// Why one agent did not get the text.
    struct SendFailure: Error {
        let message: String
    }

    /// Types `body` into agent `name` (through the hub when it watches the fleet); returns the
    /// line to print, or throws a ``SendFailure``.
    private static func deliver(_ body: String, to name: String, in fleet: Fleet, force: Bool, timeout: Double) async throws -> String {
        if let answer = try await sendThroughHub(fleet, name, body, force: force, timeout: timeout) {
            guard answer["status"] == "sent" else {
                if answer["status"] == "queued" {
                    let id = answer["id"]?.intValue ?? 0
                    throw SendFailure(message: "still queued in the hub as command \(id) after \(timeout)s (the agent is not ready for input); it will be typed when it is, or cancel it with `flotilla commands \(name) --cancel \(id)`")
                }
                throw SendFailure(message: "\(answer["error"]?["code"]?.stringValue ?? "failed"): \(answer["error"]?["message"]?.stringValue ?? "not sent") (after \(answer["attempts"]?.intValue ?? 0) attempts)")
            }
            return "sent to \(name) through the hub (\(answer["method"]?.stringValue ?? "?"), command \(answer["id"]?.intValue ?? 0))"
        }
        let record: CommandRecord
        do {
            let pane = try await fleet.pane(of: name)
            let classifier = try fleet.classifier(for: name)
            let configuration = TypingConfiguration(readyTimeout: .milliseconds(Int64(timeout * 1000)))
            let audit = CommandAudit(path: fleet.file.stateDirectory + "/commands.jsonl")
            record = try await ControlModeClient.withConnection(fleet.tmux, session: fleet.file.session) { control in
                let queue = CommandQueue(typer: SafeTyper(screen: PaneScreen(tmux: fleet.tmux, control: control), configuration: configuration), audit: audit)
                return try await queue.send(body, to: pane.id, agent: name, classifier: classifier, force: force)
            }
        } catch {
            throw SendFailure(message: "\(error)")
        }
        guard record.outcome == .sent else {
            throw SendFailure(message: "\(record.errorCode ?? "failed"): \(record.errorMessage ?? "not sent") (after \(record.attempts) attempts)")
        }
        return "sent to \(name) (\(record.method?.rawValue ?? "?"), \(record.attempts) attempt\(record.attempts == 1 ? "" : "s"))"
    }

    /// The hub's command record when a hub watching this fleet's socket and agent answers, else nil.
    private static func sendThroughHub(_ fleet: Fleet, _ name: String, _ text: String, force: Bool, timeout: Double) async throws -> JSONValue? {
        let client = fleet.hubClient(token: TokenFile.admin(for: fleet))
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
        } catch let failure as HubClient.Failure {
            throw SendFailure(message: "\(failure.code): \(failure.message)")
        } catch {
            throw SendFailure(message: "request to the hub at \(fleet.file.hub.url) failed: \(error)")
        }
    }
}
