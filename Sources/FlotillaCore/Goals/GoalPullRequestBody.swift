import Foundation

/// One plan step as the pull request reports it: what it was, how its task ended, what the
/// agent said, its own verification and the commit it landed as.
public struct GoalStepReport: Sendable, Hashable {
    public var id: String
    public var title: String
    public var state: String
    public var summary: String
    /// "passed (2 checks)", "failed", or nil when the step had no checks.
    public var verification: String?
    public var commit: String?

    public init(id: String, title: String, state: String, summary: String = "", verification: String? = nil, commit: String? = nil) {
        self.id = id
        self.title = title
        self.state = state
        self.summary = summary
        self.verification = verification
        self.commit = commit
    }
}

/// The pull request's body (Markdown): the goal, the plan, each step's result and
/// verification, the final verification, the risk tier with its reasons, and the cost.
/// Model-written text is cut to a bound so the body stays under GitHub's 65,536 characters.
public struct GoalPullRequestBody: Sendable {
    public var goal: GoalRecord
    public var steps: [GoalStepReport]
    public var checks: [VerifyCheckReport]
    public var review: GoalReview
    public var cost: Usage?

    public static let maxCharacters = 60_000
    static let maxSummary = 600

    public init(goal: GoalRecord, steps: [GoalStepReport], checks: [VerifyCheckReport], review: GoalReview, cost: Usage?) {
        self.goal = goal
        self.steps = steps
        self.checks = checks
        self.review = review
        self.cost = cost
    }

    public var text: String {
        var out = "## Goal\n\n\(goal.title)\n\n"
        out += plan
        out += "## Steps\n\n"
        if steps.isEmpty { out += "No step ran.\n" }
        for step in steps {
            out += "- **\(Self.inline(step.title))** (`\(step.id)`): \(step.state)"
            if let verification = step.verification { out += "; verification \(verification)" }
            if let commit = step.commit { out += "; landed as \(commit.prefix(12))" }
            out += "\n"
            let summary = Self.cut(step.summary.trimmingCharacters(in: .whitespacesAndNewlines), Self.maxSummary)
            if !summary.isEmpty { out += summary.split(separator: "\n", omittingEmptySubsequences: false).map { "  > \($0)" }.joined(separator: "\n") + "\n" }
        }
        out += "\n## Verification\n\n"
        if checks.isEmpty { out += "The goal has no verify commands.\n" }
        for check in checks { out += "- `\(Self.inline(check.command))`: \(check.passed ? "passed" : "failed") (exit \(check.exitCode.map(String.init) ?? "none"))\n" }
        out += "\n## Risk: \(review.tier.rawValue)\n\n"
        for reason in review.assessment.reasons { out += "- \(reason.tier.rawValue): \(Self.inline(reason.message))\n" }
        out += "\nDiff: \(review.files) files, +\(review.added) −\(review.removed) lines. Secret scan: no findings.\n"
        out += "\n## Cost\n\n"
        if let cost {
            out += String(format: "$%.4f", cost.usd) + " (\(cost.inputTokens) input, \(cost.outputTokens) output tokens)\n"
        } else {
            out += "No cost recorded.\n"
        }
        out += "\n---\nOpened by Flotilla for goal `\(goal.id)` from branch `\(goal.branch)`.\n"
        return Self.cut(out, Self.maxCharacters)
    }

    private var plan: String {
        guard let plan = goal.plan?.objectValue else { return "" }
        var out = "## Plan\n\n"
        if let summary = plan["summary"]?.stringValue, !summary.isEmpty { out += Self.cut(summary, 2_000) + "\n\n" }
        for (index, step) in (plan["steps"]?.arrayValue ?? []).enumerated() {
            let id = step["id"]?.stringValue ?? "step\(index + 1)"
            let title = step["title"]?.stringValue ?? id
            let needs = (step["needs"]?.arrayValue ?? []).compactMap(\.stringValue)
            out += "\(index + 1). **\(Self.inline(title))** (`\(id)`)\(needs.isEmpty ? "" : ", after \(needs.map { "`\($0)`" }.joined(separator: ", "))")\n"
        }
        return out + "\n"
    }

    static func inline(_ text: String) -> String {
        cut(text.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "`", with: "'"), 300)
    }

    static func cut(_ text: String, _ limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit)) + "…"
    }
}

/// One verify command's outcome on the goal branch (`details["verification"].checks[]`).
public struct VerifyCheckReport: Sendable, Hashable {
    public var command: String
    public var exitCode: Int32?
    public var passed: Bool
    /// The output's tail (stdout then stderr).
    public var output: String

    public static let maxOutput = 4_000

    public init(command: String, exitCode: Int32?, passed: Bool, output: String) {
        self.command = command
        self.exitCode = exitCode
        self.passed = passed
        self.output = output.count > Self.maxOutput ? "…" + String(output.suffix(Self.maxOutput)) : output
    }

    public var json: JSONValue {
        ["command": .string(command), "exit_code": exitCode.map { .int(Int64($0)) } ?? .null, "passed": .bool(passed), "output": .string(output)]
    }

    public init?(json: JSONValue) {
        guard let command = json["command"]?.stringValue else { return nil }
        self.init(command: command, exitCode: json["exit_code"]?.intValue.map { Int32(clamping: $0) }, passed: json["passed"]?.boolValue ?? false, output: json["output"]?.stringValue ?? "")
    }
}
