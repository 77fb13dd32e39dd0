import ArgumentParser
import FlotillaTmux
import Foundation

/// Types a prompt into an agent's pane safely: whole, once, submitted, never into a busy agent.
struct SendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Type TEXT into an agent's pane (waits until it is idle; whole, once, submitted)."
    )

    @OptionGroup var fleet: FleetOptions

    @Argument(help: "The agent.")
    var name: String

    @Argument(help: "The text (use - to read it from standard input).")
    var text: String

    @Flag(help: "Type even if the agent looks busy.")
    var force = false

    @Option(help: "Seconds to wait for the agent to become idle.")
    var timeout: Double = 600

    func run() async throws {
        let fleet = try self.fleet.load()
        let body = text == "-" ? String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self) : text
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
}
