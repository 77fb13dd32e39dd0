public import FlotillaCore
public import FlotillaWorkflows
import Foundation

/// A registered workflow as the API shows it (docs/api.md, `GET /api/workflows`): what it is,
/// what starts it, its steps, its last run and how its runs ended.
public struct WorkflowInfo: Sendable, Hashable {
    public var name: String
    public var file: String
    public var version: Int
    public var appliedAt: Double
    public var updatedAt: Double
    /// The YAML text as applied (`GET /api/workflows/{name}` shows it).
    public var source: String
    public var definition: WorkflowDefinition
    /// The newest run, without steps.
    public var lastRun: WorkflowRunInfo?
    public var runCounts: [WorkflowRunStatus: Int]

    public init(row: WorkflowRow, definition: WorkflowDefinition, lastRun: WorkflowRunInfo?, runCounts: [WorkflowRunStatus: Int]) {
        self.name = row.name
        self.file = row.file
        self.version = row.version
        self.appliedAt = row.appliedAt
        self.updatedAt = row.updatedAt
        self.source = row.source
        self.definition = definition
        self.lastRun = lastRun?.summary
        self.runCounts = runCounts
    }

    /// The list form (no `source`).
    public var json: JSONValue { json(includingSource: false, now: Timestamp.now()) }

    /// The API's JSON; `includingSource` for `GET /api/workflows/{name}`. Schedules' `next_at`
    /// is the next firing after `now`.
    public func json(includingSource: Bool, now: Double = Timestamp.now()) -> JSONValue {
        var out: [String: JSONValue] = [
            "name": .string(name), "description": .optional(definition.description), "file": .string(file),
            "version": .int(Int64(version)), "applied_at": .time(appliedAt), "updated_at": .time(updatedAt),
            "inputs": .array(definition.inputs.map(Self.inputJSON)),
            "triggers": .array(Self.triggersJSON(definition, now: now)),
            "steps": .array(definition.steps.map(Self.stepJSON)),
            "last_run": lastRun?.summary.json ?? .null,
            "runs": .object(Dictionary(uniqueKeysWithValues: WorkflowRunStatus.allCases.map { ($0.rawValue, JSONValue.int(Int64(runCounts[$0] ?? 0))) })),
        ]
        if includingSource { out["source"] = .string(source) }
        return .object(out)
    }

    static func inputJSON(_ input: WorkflowInput) -> JSONValue {
        [
            "name": .string(input.name), "type": .string(input.type.rawValue), "required": .bool(input.required),
            "default": input.defaultValue ?? .null, "description": .optional(input.description),
        ]
    }

    static func stepJSON(_ step: WorkflowStep) -> JSONValue {
        [
            "id": .string(step.id), "type": .string(step.type.source), "role": .optional(step.role?.source),
            "needs": .array(step.needs.map { .string($0) }), "on_failure": .array(step.onFailure.map { .string($0) }),
            "if": .optional(step.condition?.source), "matrix": .bool(step.matrix != nil),
        ]
    }

    /// One entry per trigger: its kind, its text as a person reads it, and per kind the webhook's
    /// path or the schedule's next firing.
    static func triggersJSON(_ definition: WorkflowDefinition, now: Double) -> [JSONValue] {
        var out: [JSONValue] = []
        let triggers = definition.triggers
        if let webhook = triggers.webhook {
            switch webhook.kind {
            case .github(let events):
                out.append(["kind": "webhook", "text": .string("github: \(events.joined(separator: ", "))"), "path": .string("/hooks/github/\(definition.name)")])
            case .generic(let signature, _):
                out.append(["kind": "webhook", "text": .string("generic: \(signature)"), "path": .string("/hooks/generic/\(definition.name)")])
            }
        }
        for schedule in triggers.schedules {
            let next = TimeZone(identifier: schedule.timeZone).flatMap { schedule.cron.next(after: Date(timeIntervalSince1970: now), in: $0) }
            out.append([
                "kind": "schedule", "text": .string("\(schedule.cron.source) (\(schedule.timeZone))"),
                "next_at": next.map { JSONValue.time($0.timeIntervalSince1970) } ?? .null,
            ])
        }
        for event in triggers.events {
            var text = event.type
            if let taskType = event.taskType { text += " task_type=\(taskType)" }
            if let role = event.role { text += " role=\(role)" }
            if let agent = event.agent { text += " agent=\(agent)" }
            if let condition = event.condition { text += " if \(condition.source)" }
            out.append(["kind": "event", "text": .string(text)])
        }
        for mqtt in triggers.mqtt {
            var text = mqtt.topic
            if let condition = mqtt.condition { text += " if \(condition.source)" }
            out.append(["kind": "mqtt", "text": .string(text)])
        }
        return out
    }
}
