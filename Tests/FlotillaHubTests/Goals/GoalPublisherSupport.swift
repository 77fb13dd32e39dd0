import FlotillaCore
import FlotillaEngine
import FlotillaStore
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// What the publisher's tests run on: an engine on a real SQLite file with its services (no
/// hub, so no goal service moves the test's goals on its own), real git repositories, and the
/// fake `gh` on the PATH the publisher gives gh.
enum GoalHarness {
    static func run<Value: Sendable>(_ body: @escaping @Sendable (Engine, SQLiteStore) async throws -> Value) async throws -> Value {
        var logger = Logger(label: "test.goals")
        logger.logLevel = .warning
        let directory = TestHub.temporaryDirectory()
        let store = try SQLiteStore(configuration: .init(path: directory + "/flotilla.sqlite"))
        let engine = try await Engine(configuration: EngineConfiguration(tickInterval: 0.02, retention: nil), store: store, logger: logger)
        let group = ServiceGroup(configuration: .init(services: engine.services, gracefulShutdownSignals: [], logger: logger))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let result: Result<Value, any Error>
            do {
                result = .success(try await body(engine, store))
            } catch {
                result = .failure(error)
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return try result.get()
        }
    }

    /// A goal added to the backlog and moved to `executing`, as the goal service leaves it when
    /// its plan's run succeeded.
    static func executingGoal(_ engine: Engine, repo: String, title: String = "Document the API", verify: [String] = []) async throws -> GoalRecord {
        let added = try await engine.addGoal(GoalRequest(title: title, repo: repo))
        _ = try await engine.moveGoal(id: added.id, to: .planning)
        return try await engine.moveGoal(id: added.id, to: .executing) { $0.verify = verify }
    }

    /// Events of `type` recorded so far.
    static func events(_ store: SQLiteStore, _ type: EventKind) async throws -> [EventRecord] {
        try await store.events(after: 0, limit: 10_000).filter { $0.type == type.rawValue }
    }
}

extension GoalGitFixture {
    /// The remote's branches.
    func remoteBranches() throws -> [String] {
        try Self.git(remote, "for-each-ref", "--format=%(refname:short)", "refs/heads/").split(separator: "\n").map(String.init)
    }

    /// Commits `files` (path → text) on the goal branch of the hub's clone, as merged steps
    /// leave it: in a scratch worktree of the clone, then the branch moved to the commit.
    static func commit(onGoalBranch branch: String, clone: String, files: [String: String], message: String = "step") throws {
        let scratch = TestHub.temporaryDirectory() + "/step"
        try git(clone, "worktree", "add", "--quiet", "--detach", scratch, branch)
        for (path, text) in files {
            let full = scratch + "/" + path
            try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: full, atomically: true, encoding: .utf8)
            try git(scratch, "add", "--", path)
        }
        try git(scratch, "commit", "--quiet", "-m", message)
        try git(scratch, "branch", "--force", branch, "HEAD")
        try git(clone, "worktree", "remove", "--force", scratch)
    }
}

/// The fake `gh` (Tests/FlotillaAgentTests/Fixtures/fake-gh) as `gh` in a directory of its
/// own, logging each call to its own file: what the publisher runs when that directory leads
/// the PATH it gives gh.
struct FakeGH {
    let bin: String
    let log: String

    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("FlotillaAgentTests/Fixtures/fake-gh").path

    init() throws {
        let root = TestHub.temporaryDirectory()
        bin = root + "/bin"
        log = root + "/gh.log"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        // A wrapper, not a link: the log's path travels in the script, not in an environment
        // variable the publisher would have to pass.
        let script = "#!/bin/sh\nFAKE_GH_LOG='\(log)' exec '\(Self.fixture)' \"$@\"\n"
        try script.write(toFile: bin + "/gh", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: bin + "/gh")
    }

    /// The environment the publisher runs gh with: this fake first on the PATH.
    var environment: [String: String] {
        ["PATH": bin + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")]
    }

    /// Each call: argv (without `gh`), cwd, stdin.
    func calls() throws -> [JSONValue] {
        guard let text = try? String(contentsOfFile: log, encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map { try JSONValue.parse(String($0)) }
    }

    /// The calls whose argv starts with `prefix` (`["pr", "create"]`).
    func calls(_ prefix: [String]) throws -> [JSONValue] {
        try calls().filter { call in
            let argv = (call["argv"]?.arrayValue ?? []).compactMap(\.stringValue)
            return Array(argv.prefix(prefix.count)) == prefix
        }
    }
}

/// Spends money on a goal the way agents do: a task with `metadata.goal`, taken by an agent
/// connected in-process over the real agent protocol, completed with a `cost` in its result,
/// so the cost ledger holds a line for the goal.
enum GoalSpending {
    static func spend(_ engine: Engine, goal: String, usd: Double, inputTokens: Int = 1200, outputTokens: Int = 300) async throws {
        let (outbox, messages) = StreamOutbox.make()
        let session = engine.openSession(identity: .admin(tokenID: "test"), outbox: outbox, logger: Logger(label: "test.spender"))
        var inbox = messages.makeAsyncIterator()
        func next(_ type: MessageType) async throws -> Envelope {
            while let message = await inbox.next() {
                if message.type == type { return message }
                if message.type == .error { throw TestFailure("the engine refused: \(message.payload)") }
            }
            throw TestFailure("the session ended before a '\(type.rawValue)'")
        }
        session.handle(Envelope(id: "reg", type: .register, agentID: "spender", payload: [
            "roles": ["spender"], "capabilities": [], "concurrency": 1, "executor": "test", "version": "test",
        ]))
        _ = try await next(.registered)
        session.handle(Envelope(id: "ready", type: .ready, agentID: "spender"))
        _ = try await next(.ack)
        _ = try await engine.submit([TaskSpec(type: "goal.step", role: "spender", metadata: ["goal": .string(goal)])])
        let assignment = try TaskAssignment(payload: try await next(.assignment).payload)
        let ref: [String: JSONValue] = ["task_id": .string(assignment.taskID), "attempt": .int(Int64(assignment.attempt))]
        session.handle(Envelope(id: "accept", type: .accept, agentID: "spender", payload: .object(ref)))
        var payload = ref
        payload["result"] = ["summary": "spent", "cost": ["usd": .double(usd), "input_tokens": .int(Int64(inputTokens)), "output_tokens": .int(Int64(outputTokens))]]
        session.handle(Envelope(id: "complete", type: .complete, agentID: "spender", payload: .object(payload)))
        try await eventually("the spending task succeeds and its cost is in the ledger") {
            try await engine.goalCosts(ids: [goal])[goal]?.usage.usd ?? 0 > 0
        }
        outbox.finish()
    }
}
