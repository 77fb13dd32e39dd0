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

    /// The task document to POST; a local `--repo` path resolved and checked here.
    func taskJSON() async throws -> JSONValue {
        var task: [String: JSONValue] = ["type": .string(type)]
        if let role { task["role"] = .string(role) }
        if let priority { task["priority"] = .string(priority) }
        if let payload { task["payload"] = try Self.parsePayload(payload) }
        if let prompt { task["prompt"] = .string(prompt) }
        if !dependsOn.isEmpty { task["depends_on"] = .array(dependsOn.map { .string($0) }) }
        if !capability.isEmpty { task["capabilities"] = .array(capability.map { .string($0) }) }
        if let maxAttempts { task["max_attempts"] = .int(Int64(maxAttempts)) }
        if let timeout { task["timeout_seconds"] = .int(Int64(timeout)) }
        if let ttl { task["ttl_seconds"] = .int(Int64(ttl)) }
        if let idempotencyKey { task["idempotency_key"] = .string(idempotencyKey) }
        if let repo {
            do {
                task["repo"] = .string(try await RepoReference.resolve(repo))
            } catch {
                throw Console.fail("error: \(error.code.rawValue): \(error.message) Nothing was submitted.")
            }
        }
        if !verify.isEmpty { task["verify"] = .array(verify.map { .string($0) }) }
        if let complexity { task["complexity"] = .string(complexity) }
        if let id { task["id"] = .string(id) }
        return .object(task)
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
        let body = try await taskJSON()
        let task = try await client.call { try await $0.submit(body) }
        guard let taskID = task["id"]?.stringValue else {
            throw Console.fail("error: the hub's answer has no task id: \(task.jsonString)")
        }
        // The id first, so it is not lost however the wait ends (with --json it is in the document).
        if client.json {
            if !wait { Console.print(task.jsonString) } else { Console.printError("submitted \(taskID); waiting") }
        } else {
            Console.print(taskID)
        }
        await warnIfNoAgentFits(task)
        guard wait else { return }
        let final = try await waitForOutcome(taskID, current: task)
        let state = final["state"]?.stringValue ?? "unknown"
        if client.json {
            Console.print(final.jsonString)
        } else {
            Console.print("state: \(state)")
            for key in ["error", "reason"] {
                if let text = final[key]?.stringValue { Console.print("\(key): \(text)") }
            }
        }
        if state != "succeeded" {
            if !Self.finalStates.contains(state) {
                Console.printError("error: task \(taskID) is still \(state) after waiting \(waitTimeout) seconds.")
            }
            throw ExitCode(1)
        }
    }

    static let finalStates: Set<String> = ["succeeded", "dead", "cancelled", "expired"]

    /// Long-polls the task until its state is final or `--wait-timeout` runs out. A lost hub
    /// (restarting, or briefly unreachable) is retried with backoff, as `watch` does; an answer
    /// the hub gives (an unknown task, a refused token) ends the wait.
    func waitForOutcome(_ taskID: String, current: JSONValue) async throws -> JSONValue {
        let deadline = Date().addingTimeInterval(waitTimeout)
        let hub = client.makeClient()
        var task = current
        var failures = 0
        while !Self.finalStates.contains(task["state"]?.stringValue ?? "") {
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0 { break }
            let chunk = min(remaining, 300).rounded(.up)
            do {
                task = try await hub.task(taskID.pathSegment, wait: chunk)
                failures = 0
            } catch let error as HubClient.Failure where error.status != 503 {
                throw ClientOptions.report(error, hubURL: client.resolvedURL, tokenSource: client.tokenLookup.source)
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                failures += 1
                let delay = min(5.0, 0.25 * Double(1 << min(failures, 5)), max(0, deadline.timeIntervalSinceNow))
                Console.printError("submit: lost the hub at \(client.resolvedURL) (\(WatchCommand.brief(error))); still waiting for \(taskID), retrying in \(String(format: "%.1f", delay))s")
                try await _Concurrency.Task.sleep(for: .milliseconds(Int(delay * 1000)))
            }
        }
        return task
    }
}
