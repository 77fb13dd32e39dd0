import FlotillaClient
import FlotillaCore

extension SubmitCommand {
    /// Warns on standard error (without failing) when no connected agent can take the task: it
    /// was accepted and waits, but a person who expected it to run should know why it does not.
    /// The hub's `waiting` reasons say it; a hub that cannot be asked is not an error here.
    func warnIfNoAgentFits(_ submitted: JSONValue) async {
        guard let id = submitted["id"]?.stringValue, ["queued", "blocked"].contains(submitted["state"]?.stringValue ?? "") else { return }
        guard let task = try? await client.makeClient().task(id.pathSegment) else { return }
        for reason in task["waiting"]?.arrayValue ?? [] where reason["reason"]?.stringValue == WaitingReason.Kind.noFittingAgent.rawValue {
            Console.printError("warning: \(reason["message"]?.stringValue ?? "no connected agent can take task \(id)")")
        }
    }
}
