import FlotillaCore
import FlotillaStore
import Foundation

/// The stored history the dashboard benchmark opens its hub on: `tasks` tasks written straight
/// into the store (no agent ran them), as a day of a busy fleet would leave them: mostly
/// succeeded, some dead, cancelled or still queued, each with its attempt by one of the
/// agents, every fifth one depending on the task before it (chains for the graph), prompts of
/// a few kinds (for the search).
struct DashboardSeed {
    let tasks: Int
    let agents: Int
    /// When the first task was created; the others follow one per `spacing` seconds.
    let start: Double
    let spacing: Double

    static let roles = ["general", "review", "testing", "docs"]
    static let types = ["code.generate", "code.review", "testing.run", "docs.write"]
    static let phrases = [
        "fix the flaky parser test", "review the release notes", "refactor the scheduler lanes",
        "write the migration guide", "bump the dependency versions", "investigate the memory growth",
    ]

    init(tasks: Int, agents: Int, now: Double = Timestamp.now()) {
        self.tasks = tasks
        self.agents = max(1, agents)
        // A day of history, the newest a minute old.
        spacing = 86_400 / Double(max(1, tasks))
        start = now - 60 - spacing * Double(tasks)
    }

    static func id(_ index: Int) -> String { "seed-\(String(format: "%06d", index))" }
    static func agentID(_ index: Int) -> String { "bench-agent-\(String(format: "%04d", index))" }

    /// Writes the tasks in batches of 5,000 into the SQLite store at `path`, then closes it.
    func write(path: String) throws {
        let store = try SQLiteStore(configuration: .init(path: path))
        var writes: [StoreWrite] = []
        writes.reserveCapacity(10_000)
        for index in 0..<tasks {
            writes.append(contentsOf: try rows(index))
            if writes.count >= 10_000 {
                try store.commitSynchronously(writes)
                writes.removeAll(keepingCapacity: true)
            }
        }
        try store.commitSynchronously(writes)
    }

    /// The task's row and, when it ran, its attempt's.
    func rows(_ index: Int) throws -> [StoreWrite] {
        let kind = index % Self.roles.count
        var fields: [String: JSONValue] = [
            "id": .string(Self.id(index)),
            "type": .string(Self.types[kind]),
            "role": .string(Self.roles[kind]),
            "prompt": .string("Task \(index): \(Self.phrases[index % Self.phrases.count])\nSee the issue for details."),
        ]
        if index % 5 == 4 { fields["depends_on"] = [.string(Self.id(index - 1))] }
        let spec = try TaskSpec(json: .object(fields))
        let created = start + spacing * Double(index)
        let slice = index % 100
        let state: TaskState = slice < 90 ? .succeeded : slice < 95 ? .dead : slice < 98 ? .cancelled : .queued
        var record = TaskRecord(id: Self.id(index), spec: spec, state: state, now: created)
        record.queuedAt = created
        record.updatedAt = created + 2
        guard state != .queued else { return [.insertTask(record)] }
        let agent = Self.agentID(index % agents)
        record.attempt = 1
        record.agentID = agent
        record.startedAt = created + 0.5
        record.finishedAt = created + 2
        switch state {
        case .succeeded: record.result = ["ok": true]
        case .dead: record.error = "exit status 1"
        default: record.reason = "cancelled by request"
        }
        let outcome: AttemptRecord.Outcome = state == .succeeded ? .succeeded : state == .dead ? .failed : .cancelled
        let attempt = AttemptRecord(taskID: record.id, number: 1, agentID: agent, startedAt: created + 0.5, endedAt: created + 2, outcome: outcome, error: record.error)
        return [.insertTask(record), .saveAttempt(attempt)]
    }
}
