import ArgumentParser
import FlotillaClient
import FlotillaCore
import Foundation

/// Starts a run of a workflow file (or of a registered workflow, by name); prints its id first,
/// then with --wait follows it to the end.
struct WorkflowRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a workflow file once (or a registered workflow by name); the run id is the first line printed.",
        discussion: """
            FILE is sent to the hub, which checks it and runs it once without registering it (its `on:` \
            triggers are ignored); a TARGET that is not a file is the name of a workflow registered with \
            'workflow apply'. With --wait, each step is printed as it ends ('step ID STATUS[: why]'), then \
            'run ID STATUS'; the exit code is 0 only if the run succeeded, 1 if it failed or was cancelled, \
            124 if it was still running after --timeout seconds. A file the hub refuses is printed as \
            FILE:LINE:COLUMN: code: message (exit 65). With --json, standard output is one JSON document: \
            the run as started, or with --wait as it ended.
            """
    )

    @OptionGroup var client: ClientOptions

    @Argument(help: ArgumentHelp("A workflow file, or the name of a registered workflow.", valueName: "file|name"))
    var target: String

    @OptionGroup var inputs: WorkflowInputOptions

    @Flag(help: "Follow the run until it ends; exit 0 only if it succeeded.")
    var wait = false

    @Option(help: ArgumentHelp("Longest time to wait with --wait, in seconds.", valueName: "seconds"))
    var timeout: Double = 3600

    func validate() throws {
        guard timeout > 0 else { throw ValidationError("--timeout must be positive.") }
    }

    /// A target naming no file but shaped like a workflow name is a registered workflow.
    var registeredName: String? {
        guard !FileManager.default.fileExists(atPath: target) else { return nil }
        let isName = target.range(of: #"^[A-Za-z_][A-Za-z0-9_.-]{0,63}$"#, options: .regularExpression) != nil
        let looksLikeFile = target.hasSuffix(".yaml") || target.hasSuffix(".yml")
        return isName && !looksLikeFile ? target : nil
    }

    func run() async throws {
        let values = try inputs.parsed()
        let started: JSONValue
        if let name = registeredName {
            started = try await WorkflowFile.calling(client) { try await $0.startWorkflowRun(name: name, inputs: values) }
        } else {
            let file = try WorkflowFile.read(target)
            started = try await WorkflowFile.calling(client) { try await $0.startWorkflowRun(source: file.source, file: file.path, inputs: values) }
        }
        try await Self.report(started, client: client, wait: wait, timeout: timeout)
    }

    /// Prints a run just started (its id first; with --json the document) and with `wait`
    /// follows it to the end, throwing the exit code.
    static func report(_ started: JSONValue, client: ClientOptions, wait: Bool, timeout: Double) async throws {
        let id = started["id"]?.stringValue ?? ""
        if client.json {
            if !wait { Console.print(started.jsonString) } else { Console.printError("started run \(id); waiting") }
        } else {
            Console.print(id)
        }
        guard wait else { return }
        let follower = WorkflowFollower(client: client, timeout: timeout, printsSteps: !client.json)
        try follower.finish(try await follower.follow(started))
    }
}
