public import FlotillaCore

/// Everything known about an attempt, shaped into the task result documented in docs/protocol.md.
public struct AttemptResult: Sendable {
    public var executor: String?
    public var summary = ""
    public var outputTail = ""
    public var exitCode: Int32?
    public var error: String?
    public var errorCode: String?
    public var workspace: Workspace?
    public var commit: WorkspaceCommit?
    public var checks: [CheckResult] = []
    public var fixRounds = 0
    public var cost: Cost?
    public var duration: Duration = .zero
    public var details: [String: JSONValue] = [:]

    public init() {}

    /// Takes in one executor run; costs add up over corrective runs.
    mutating func absorb(_ outcome: ExecutionOutcome) {
        summary = outcome.summary
        outputTail = outcome.outputTail
        exitCode = outcome.exitCode
        if let cost = outcome.cost { self.cost = (self.cost ?? Cost()) + cost }
        details.merge(outcome.details) { _, new in new }
    }

    public func json(succeeded: Bool) -> JSONValue {
        var object: [String: JSONValue] = [
            "status": .string(succeeded ? "succeeded" : "failed"),
            "summary": .string(summary),
            "output_tail": .string(outputTail),
            "exit_code": exitCode.map { .int(Int64($0)) } ?? .null,
            "executor": executor.map(JSONValue.string) ?? .null,
            "branch": workspace.map { .string($0.branch) } ?? .null,
            "base_commit": workspace.map { .string($0.baseCommit) } ?? .null,
            "commit": commit?.commit.map(JSONValue.string) ?? .null,
            "changed": .bool(commit?.changed ?? false),
            "pushed": .bool(commit?.pushed ?? false),
            "pull_request": commit?.pullRequestURL.map(JSONValue.string) ?? .null,
            // null when no check ran (none given, or the work failed first): "passed" would
            // claim a verification that never happened.
            "verification": checks.isEmpty ? .null : [
                "passed": .bool(checks.allSatisfy(\.passed)),
                "fix_rounds": .int(Int64(fixRounds)),
                "checks": .array(checks.map(\.json)),
            ],
            "cost": (cost ?? Cost()).json,
            "duration_seconds": .double((duration.seconds * 1000).rounded() / 1000),
        ]
        if let error { object["error"] = .string(error) }
        if let errorCode { object["error_code"] = .string(errorCode) }
        for (key, value) in details where object[key] == nil { object[key] = value }
        return .object(object)
    }
}
