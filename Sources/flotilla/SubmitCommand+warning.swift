import FlotillaClient
import FlotillaCore

extension SubmitCommand {
    /// Warns on standard error (without failing) when no connected agent can take the task: it
    /// was accepted and waits, but a person who expected it to run should know why it does not.
    /// The hub's `waiting` reasons say it; a hub that cannot be asked is not an error here.
    func warnIfNoAgentFits(_ submitted: TaskRecord) async {
        guard submitted.state == .queued || submitted.state == .blocked else { return }
        guard let task = try? await client.makeClient().task(id: submitted.id.pathSegment) else { return }
        for reason in task.waiting ?? [] where reason.kind == .noFittingAgent {
            Console.printError("warning: \(reason.message)")
        }
    }
}
