import ArgumentParser
import FlotillaAgent
import FlotillaClient
import FlotillaCore
import Foundation

/// Submits one task; prints its id first (then, with --wait, waits for the outcome).
struct SubmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Submit a task; its id is the first line printed.",
        discussion: """
            A local --repo path is made absolute here and must be a git repository; a URL is passed on. \
            With --wait, the id is printed before waiting; the wait rides out a hub restart (it reconnects \
            with backoff), and exits 0 only if the task succeeded (1 if it ended dead, cancelled or expired, or the \
            wait timed out). With --json, standard output is one JSON document: the task as submitted, \
            or with --wait as it ended.
            """
    )

    @OptionGroup var client: ClientOptions

    @Option(help: "Task type, e.g. testing.run.")
    var type: String

    @Option(help: "Role that may take the task.")
    var role: String?

    @Option(help: "critical, high, normal or low.")
    var priority: String?

    @Option(help: ArgumentHelp("Payload as JSON, or @path to read it from a file.", valueName: "json|@file"))
    var payload: String?

    @Option(help: "Prompt for the agent.")
    var prompt: String?

    @Option(name: .customLong("depends-on"), help: "Id of a task that must succeed first (repeatable).")
    var dependsOn: [String] = []

    @Option(help: "Capability the agent must have (repeatable).")
    var capability: [String] = []

    @Option(help: "Most attempts before the task goes dead.")
    var maxAttempts: Int?

    @Option(help: ArgumentHelp("Time limit of one attempt, in seconds.", valueName: "seconds"))
    var timeout: Int?

    @Option(help: ArgumentHelp("Seconds within which an agent must take the task, else it ends expired.", valueName: "seconds"))
    var ttl: Int?

    @Option(help: "Key that makes resubmission return the existing task.")
    var idempotencyKey: String?

    @Option(help: ArgumentHelp("Git repository (path or URL) the agent works in, in a worktree on branch flotilla/<task-id>.", valueName: "path|url"))
    var repo: String?

    @Option(help: ArgumentHelp("Command that must pass in the workspace after the work (repeatable).", valueName: "command"))
    var verify: [String] = []

    @Option(help: "trivial, standard or complex (picks the agent's executor).")
    var complexity: String?

    @Option(help: "Task id to use instead of a generated one.")
    var id: String?

    @Flag(help: "Wait until the task succeeds, goes dead, is cancelled or expires.")
    var wait = false

    @Option(help: ArgumentHelp("Longest time to wait with --wait, in seconds.", valueName: "seconds"))
    var waitTimeout: Double = 3600

    func validate() throws {
        guard waitTimeout > 0 else { throw ValidationError("--wait-timeout must be positive.") }
    }

    /// The task to submit, read from the options as the hub reads a submission (so a bad
    /// `--priority` is refused here, with the hub's own message); a local `--repo` path
    /// resolved and checked here.
    func taskSpec() async throws -> TaskSpec {
        typealias F = TaskSpec.Field
        var task: [String: JSONValue] = [F.type.rawValue: .string(type)]
        func set(_ field: F, _ value: JSONValue?) { if let value { task[field.rawValue] = value } }
        func strings(_ values: [String]) -> JSONValue? { values.isEmpty ? nil : .array(values.map { .string($0) }) }
        set(.role, role.map { .string($0) })
        set(.priority, priority.map { .string($0) })
        set(.payload, try payload.map(Self.parsePayload))
        set(.prompt, prompt.map { .string($0) })
        set(.dependsOn, strings(dependsOn))
        set(.capabilities, strings(capability))
        set(.maxAttempts, maxAttempts.map { .int(Int64($0)) })
        set(.timeoutSeconds, timeout.map { .int(Int64($0)) })
        set(.ttlSeconds, ttl.map { .int(Int64($0)) })
        set(.idempotencyKey, idempotencyKey.map { .string($0) })
        if let repo {
            do {
                set(.repo, .string(try await RepoReference.resolve(repo)))
            } catch {
                throw Console.fail("error: \(error.code.rawValue): \(error.message) Nothing was submitted.")
            }
        }
        set(.verify, strings(verify))
        set(.complexity, complexity.map { .string($0) })
        set(.id, id.map { .string($0) })
        do {
            return try TaskSpec(json: .object(task))
        } catch {
            let option = error.field.map { " (field: \($0))" } ?? ""
            throw Console.fail("error: \(error.code.rawValue): \(error.message)\(option) Nothing was submitted.")
        }
    }

    /// Parses `--payload`: inline JSON, or `@path` naming a JSON file.
    static func parsePayload(_ argument: String) throws -> JSONValue {
        var text = argument
        var source = "--payload"
        if argument.hasPrefix("@") {
            let path = String(argument.dropFirst())
            guard let contents = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw Console.fail("error: cannot read the payload file '\(path)'.")
            }
            (text, source) = (contents, "the payload file '\(path)'")
        }
        switch Result(catching: { () throws(FlotillaError) in try JSONValue.parse(text) }) {
        case .success(let value): return value
        case .failure(let error):
            let reason = error.message.replacingOccurrences(of: "The body is not valid JSON: ", with: "")
            throw Console.fail("error: \(source) is not valid JSON: \(reason)")
        }
    }

    func run() async throws {
        let spec = try await taskSpec()
        // With --json the hub's answer is printed as it came, so it is kept as well as read.
        let task: TaskRecord
        var document: JSONValue?
        if client.json {
            let answer = try await client.call { try await $0.submit(spec.json) }
            (task, document) = (try Self.record(answer), answer)
        } else {
            task = try await client.call { try await $0.submit(spec) }
        }
        // The id first, so it is not lost however the wait ends (with --json it is in the document).
        if let document {
            if !wait { Console.print(document.jsonString) } else { Console.printError("submitted \(task.id); waiting") }
        } else {
            Console.print(task.id)
        }
        await warnIfNoAgentFits(task)
        guard wait else { return }
        let (final, finalDocument) = try await waitForOutcome(task, document: document ?? .null)
        if client.json {
            Console.print(finalDocument.jsonString)
        } else {
            Console.print("state: \(final.state.rawValue)")
            if let error = final.error { Console.print("error: \(error)") }
            if let reason = final.reason { Console.print("reason: \(reason)") }
        }
        if final.state != .succeeded {
            if !final.state.isFinal {
                Console.printError("error: task \(task.id) is still \(final.state.rawValue) after waiting \(waitTimeout) seconds.")
            }
            throw ExitCode(1)
        }
    }

    /// Reads the hub's answer as a task record; an answer that is not one is an error here.
    static func record(_ json: JSONValue) throws -> TaskRecord {
        do {
            return try TaskRecord(json: json)
        } catch {
            throw Console.fail("error: the hub's answer is not a task (\(error.message)): \(json.jsonString)")
        }
    }

    /// Long-polls the task until its state is final or `--wait-timeout` runs out. A lost hub
    /// (restarting, or briefly unreachable) is retried with backoff, as `watch` does; an answer
    /// the hub gives (an unknown task, a refused token) ends the wait.
    /// Returns the task as it ended (or as it was when the wait ran out) and the hub's answer
    /// that said so, as sent (`document`, the submission's answer, until the hub gives another).
    func waitForOutcome(_ submitted: TaskRecord, document: JSONValue) async throws -> (TaskRecord, JSONValue) {
        let deadline = Date().addingTimeInterval(waitTimeout)
        let hub = client.makeClient()
        let taskID = submitted.id
        var task = submitted
        var document = document
        var failures = 0
        while !task.state.isFinal {
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0 { break }
            let chunk = min(remaining, 300).rounded(.up)
            guard let answer = try await client.pollRound("submit", waitingFor: taskID, failures: &failures, deadline: deadline, {
                try await hub.task(taskID.pathSegment, wait: chunk)
            }) else { continue }
            document = answer
            task = try Self.record(document)
        }
        return (task, document)
    }
}
