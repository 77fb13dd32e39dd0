import ArgumentParser
import FlotillaClient
import FlotillaCore
import Foundation

/// The approval queue (`/api/approvals`, docs/approvals.md): list, show, allow, deny.
struct ApprovalsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approvals",
        abstract: "List and answer what agents ask before a tool runs (pending first; the history with --state).",
        subcommands: [ApprovalsListCommand.self, ApprovalsShowCommand.self, ApprovalsAllowCommand.self, ApprovalsDenyCommand.self],
        defaultSubcommand: ApprovalsListCommand.self
    )
}

/// `flotilla approvals [list] [--state S] [--agent A] [--task T] [--limit N]`.
struct ApprovalsListCommand: HubAnswerCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List approval requests, newest first (default: pending ones).")

    @OptionGroup var client: ClientOptions

    @Option(help: "pending, allowed, denied or all.")
    var state: String = "pending"

    @Option(help: "Only this agent's requests.")
    var agent: String?

    @Option(help: "Only this task's requests.")
    var task: String?

    @Option(help: "At most this many (1-500).")
    var limit: Int?

    func ask(_ hub: HubClient) async throws -> JSONValue {
        var query = ["state": state]
        if let agent { query["agent"] = agent }
        if let task { query["task_id"] = task }
        if let limit { query["limit"] = String(limit) }
        return try await hub.approvals(query: query)
    }

    func show(_ answer: JSONValue) throws {
        let records = try (answer["approvals"]?.arrayValue ?? []).map { try ApprovalRecord(json: $0) }
        guard !records.isEmpty else {
            Console.print("no \(state == "all" ? "" : state + " ")approval requests")
            return
        }
        let now = Timestamp.now()
        Console.table(["ID", "STATE", "AGENT", "TASK", "SUBJECT", "WHEN"], records.map { record in
            [
                record.id, record.state.rawValue, record.agentID, record.question.taskID ?? "-",
                Self.cut(record.question.subject, 60),
                record.isPending ? "expires in \(max(0, Int(record.expiresAt - now))) s" : "\(record.decidedBy?.rawValue ?? "?")",
            ]
        })
    }

    static func cut(_ text: String, _ length: Int) -> String {
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        return line.count > length ? String(line.prefix(length - 1)) + "…" : line
    }
}

/// `flotilla approvals show ID`.
struct ApprovalsShowCommand: HubAnswerCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one approval request: what is asked, exactly, and how it was decided.")

    @OptionGroup var client: ClientOptions

    @Argument(help: "The request's id (apr_…).")
    var id: String

    func ask(_ hub: HubClient) async throws -> JSONValue { try await hub.approval(id: id) }

    func show(_ answer: JSONValue) throws { Self.print(try ApprovalRecord(json: answer)) }

    static func print(_ record: ApprovalRecord) {
        let q = record.question
        var lines = [
            "\(record.id)  \(record.state.rawValue)",
            "agent:   \(record.agentID)\(record.role.map { " (\($0))" } ?? "")",
            "task:    \(q.taskID.map { "\($0)\(q.attempt.map { " attempt \($0)" } ?? "")" } ?? "-")",
            "source:  \(q.source.rawValue)",
            "subject: \(q.subject)\(q.readOnly ? " (read-only)" : "")",
            "asked:   \(Timestamp.iso8601(record.createdAt))",
        ]
        if record.isPending {
            lines.append("expires: \(Timestamp.iso8601(record.expiresAt))")
        } else {
            let by = [record.decidedBy?.rawValue, record.decider].compactMap { $0 }.joined(separator: " ")
            lines.append("decided: \(record.decidedAt.map(Timestamp.iso8601) ?? "?") by \(by)")
            if let reason = record.reason { lines.append("reason:  \(reason)") }
            if let choice = record.choice { lines.append("choice:  \(choice)") }
        }
        for choice in q.choices { lines.append("  [\(choice.key)] \(choice.label)\(choice.allows ? "" : " (denies)")") }
        Console.print(lines.joined(separator: "\n"))
        if !q.detail.isEmpty { Console.print("---\n\(q.detail)") }
    }
}

/// `flotilla approvals allow ID [--reason R] [--choice K]`.
struct ApprovalsAllowCommand: HubAnswerCommand {
    static let configuration = CommandConfiguration(commandName: "allow", abstract: "Allow a pending request (submitter); the agent's tool runs.")

    @OptionGroup var client: ClientOptions

    @Argument(help: "The request's id (apr_…).")
    var id: String

    @Option(help: "Why (kept in the audit trail).")
    var reason: String?

    @Option(help: ArgumentHelp("For a prompt with choices: the key of the one to pick (e.g. 2).", valueName: "key"))
    var choice: String?

    func ask(_ hub: HubClient) async throws -> JSONValue {
        try await hub.decideApproval(id: id, allow: true, reason: reason, choice: choice)
    }

    func show(_ answer: JSONValue) throws { ApprovalsShowCommand.print(try ApprovalRecord(json: answer)) }
}

/// `flotilla approvals deny ID --reason R`.
struct ApprovalsDenyCommand: HubAnswerCommand {
    static let configuration = CommandConfiguration(commandName: "deny", abstract: "Deny a pending request with a reason (submitter); the agent is told why.")

    @OptionGroup var client: ClientOptions

    @Argument(help: "The request's id (apr_…).")
    var id: String

    @Option(help: "Why: the agent's model reads it.")
    var reason: String

    func ask(_ hub: HubClient) async throws -> JSONValue {
        try await hub.decideApproval(id: id, allow: false, reason: reason, choice: nil)
    }

    func show(_ answer: JSONValue) throws { ApprovalsShowCommand.print(try ApprovalRecord(json: answer)) }
}
