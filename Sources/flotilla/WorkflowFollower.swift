import ArgumentParser
import FlotillaClient
import FlotillaCore
import Foundation

/// Follows a run until it ends (`workflow run --wait`, `workflow rerun --wait`): long-polls it
/// in short rounds so each step is printed as it ends, rides out a hub restart (the run is
/// durable; the hub carries it on), and turns the ending into the exit code: 0 succeeded,
/// 1 failed or cancelled, 124 still running when the time ran out.
struct WorkflowFollower {
    let client: ClientOptions
    /// Longest time to wait, in seconds.
    let timeout: Double
    /// Whether to print each step as it ends (not with --json: one document only).
    let printsSteps: Bool

    /// Longest round of one long poll: a step's end is printed at most this late.
    static let round = 2.0
    static let endedStepStatuses: Set<String> = ["succeeded", "failed", "skipped", "cancelled"]

    /// Waits for `run` (the hub's answer that started it) to end; returns the hub's last answer.
    func follow(_ run: JSONValue) async throws -> JSONValue {
        let id = run["id"]?.stringValue ?? ""
        let deadline = Date().addingTimeInterval(timeout)
        let hub = client.makeClient()
        var document = run
        var printed: Set<String> = []
        var failures = 0
        printEndedSteps(document, printed: &printed)
        while document["status"]?.stringValue == "running" {
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0 { break }
            guard let answer = try await client.pollRound("workflow", waitingFor: "run \(id)", failures: &failures, deadline: deadline, {
                try await hub.workflowRun(id: id, wait: min(remaining, Self.round))
            }) else { continue }
            document = answer
            printEndedSteps(document, printed: &printed)
        }
        return document
    }

    /// Prints the run's end (without --json) and throws the exit code unless it succeeded.
    func finish(_ document: JSONValue) throws {
        let id = document["id"]?.stringValue ?? "?"
        let status = document["status"]?.stringValue ?? "unknown"
        if client.json {
            Console.print(document.jsonString)
        } else {
            var line = "run \(id) \(status)"
            if let reason = document["cancel_reason"]?.stringValue { line += ": \(reason)" }
            Console.print(line)
        }
        switch status {
        case "succeeded": return
        case "running":
            Console.printError("error: run \(id) is still running after waiting \(String(format: "%g", timeout)) seconds.")
            throw WorkflowExit.timedOut
        default: throw ExitCode(1)
        }
    }

    /// `step ID STATUS[: why]` for each step that ended since the last answer, in file order.
    private func printEndedSteps(_ document: JSONValue, printed: inout Set<String>) {
        guard printsSteps else { return }
        for step in document["steps"]?.arrayValue ?? [] {
            guard let id = step["id"]?.stringValue, let status = step["status"]?.stringValue,
                  Self.endedStepStatuses.contains(status), !printed.contains(id) else { continue }
            printed.insert(id)
            Console.print(WorkflowPrinter.stepLine(step))
        }
    }
}
