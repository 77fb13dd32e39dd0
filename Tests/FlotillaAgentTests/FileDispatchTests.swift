import FlotillaClient
import FlotillaCore
import Foundation
import Testing

/// File-aware dispatch end to end: a real hub (port 0), real `flotilla agent` processes with the
/// shell executor working in worktrees of a real git repository. Each task's command writes its
/// start and end times (wall clock, `date +%s.%N`) to files beside the test, so the test reads
/// what the agents did, not what the hub believes.
@Suite(.timeLimit(.minutes(3))) struct FileDispatchTests {
    /// Three shell agents (one slot each) on the live hub.
    static func agents(_ served: String, token: String) throws -> [AgentProcess] {
        try (1...3).map { index in
            try AgentProcess(["--role", "general", "--executor", "shell", "--agent-id", "files-\(index)", "--workdir", Paths.temporaryDirectory("files-agent")], hub: served, token: token)
        }
    }

    /// A step in `repo` declaring `files`; its command records when it ran under `marks`, then
    /// does `work` in its worktree.
    static func step(_ name: String, repo: String, files: [String]?, marks: String, work: String) -> JSONValue {
        var payload: [String: JSONValue] = [
            "command": .string("date +%s.%N > \(marks)/\(name).start; \(work); date +%s.%N > \(marks)/\(name).end"),
        ]
        if let files { payload["files"] = .array(files.map { .string($0) }) }
        return ["id": .string(name), "type": "goal.step", "role": "general", "repo": .string(repo), "payload": .object(payload), "max_attempts": 1]
    }

    static func interval(_ name: String, _ marks: String) throws -> ClosedRange<Double> {
        func read(_ suffix: String) throws -> Double {
            let text = try String(contentsOfFile: "\(marks)/\(name).\(suffix)", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            guard let value = Double(text) else { throw TestFailure("\(name).\(suffix) holds '\(text)'") }
            return value
        }
        return try read("start")...read("end")
    }

    @Test("two tasks of one repo with overlapping files never run at once; a disjoint one runs alongside; the waiting one shows `files`")
    func overlappingStepsTakeTurns() async throws {
        let (work, _) = try makeRepository()
        let marks = Paths.temporaryDirectory("files-marks")
        try await LiveHub.run { served, client in
            let agents = try Self.agents(served.baseURL, token: served.adminToken)
            defer { agents.forEach { $0.stop() } }
            try await eventually("three agents are idle", within: 30) {
                try await client.agentViews().filter { $0.status?.state == .idle }.count == 3
            }
            // fd-a runs until the test lets it go, once it has seen fd-b wait and fd-c finish.
            let letGo = marks + "/let-go"
            _ = try await client.submit(batch: [
                Self.step("fd-a", repo: work, files: ["src"], marks: marks, work: "mkdir -p src && echo a > src/a.txt && while [ ! -f \(letGo) ]; do sleep 0.05; done"),
                Self.step("fd-b", repo: work, files: ["src/b.txt"], marks: marks, work: "mkdir -p src && echo b > src/b.txt && sleep 0.5"),
                // fd-c waits for fd-a to have started: with only `sleep 0.5` a loaded machine could
                // finish it before fd-a's program began, and their runs did not overlap.
                Self.step("fd-c", repo: work, files: ["docs/*.md"], marks: marks, work: "until [ -f \(marks)/fd-a.start ]; do sleep 0.05; done; mkdir -p docs && echo c > docs/c.md && sleep 0.5"),
            ])
            // fd-b waits for fd-a, although a third agent is free.
            try await eventually("fd-b waits with reason files", within: 20) {
                let shown = try await CLIProcess.run(["tasks", "show", "fd-b", "--json", "--hub", served.baseURL, "--token", served.adminToken])
                guard shown.status == 0, let answer = try? JSONValue.parse(shown.stdout) else { return false }
                let reasons = answer["waiting"]?.arrayValue ?? []
                return reasons.contains { $0["reason"] == "files" && $0["tasks"] == ["fd-a"] } && answer["state"] == "queued"
            }
            let human = try await CLIProcess.run(["tasks", "show", "fd-b", "--hub", served.baseURL, "--token", served.adminToken])
            #expect(human.stdout.contains("waiting: files: Waiting for task fd-a"), "\(human.stdout)")
            #expect(try await client.task(id: "fd-c", wait: 30).record.state == .succeeded, "the disjoint task runs while fd-a holds src")
            #expect(try await client.task(id: "fd-b").record.state == .queued)
            FileManager.default.createFile(atPath: letGo, contents: nil)
            for id in ["fd-a", "fd-b", "fd-c"] {
                let done = try await client.task(id: id, wait: 60)
                #expect(done.record.state == .succeeded, "\(id): \(done.record.error ?? "")\n\(agents.map(\.log).joined(separator: "\n---\n"))")
            }
            let a = try Self.interval("fd-a", marks), b = try Self.interval("fd-b", marks), c = try Self.interval("fd-c", marks)
            #expect(!a.overlaps(b), "fd-a ran \(a), fd-b ran \(b): they declare overlapping files")
            #expect(c.overlaps(a), "fd-c (disjoint) ran \(c) beside fd-a \(a)")
        }
    }

    @Test("files an attempt edits without declaring them are announced and hold a task that declares them, until it ends")
    func announcedEditHoldsDeclaredTask() async throws {
        let (work, _) = try makeRepository()
        let marks = Paths.temporaryDirectory("files-marks")
        try await LiveHub.run { served, client in
            let agents = try Self.agents(served.baseURL, token: served.adminToken)
            defer { agents.forEach { $0.stop() } }
            // fd-d declares nothing, edits lib/undeclared.swift and runs until the test lets it go.
            let letGo = marks + "/let-go"
            _ = try await client.submit(Self.step(
                "fd-d", repo: work, files: nil, marks: marks,
                work: "mkdir -p lib && echo d > lib/undeclared.swift && while [ ! -f \(letGo) ]; do sleep 0.05; done"
            ))
            try await eventually("the agent announced lib/undeclared.swift", within: 30) {
                let answer = try await client.task("fd-d")
                return answer["files"]?["announced"] == ["lib/undeclared.swift"] && answer["files"]?["declared"] == []
            }
            let progress = try await served.hub.engine.storedEvents(after: 0, limit: 1000).filter { $0.type == "task.progress" && $0.taskID == "fd-d" }
            #expect(progress.contains { $0.details["files"] == ["lib/undeclared.swift"] }, "the progress event carries the announced files")

            _ = try await client.submit(Self.step("fd-e", repo: work, files: ["lib/**/*.swift"], marks: marks, work: "true"))
            _ = try await client.submit(Self.step("fd-f", repo: work, files: ["docs"], marks: marks, work: "true"))
            #expect(try await client.task(id: "fd-f", wait: 30).record.state == .succeeded, "a disjoint task goes")
            let waiting = try await client.task(id: "fd-e")
            #expect(waiting.record.state == .queued)
            #expect(waiting.waiting?.contains { $0.kind == .files && $0.details["tasks"] == ["fd-d"] && $0.details["files"] == ["lib/**/*.swift ∩ lib/undeclared.swift"] } == true, "\(String(describing: waiting.waiting))")

            FileManager.default.createFile(atPath: letGo, contents: nil)
            #expect(try await client.task(id: "fd-d", wait: 30).record.state == .succeeded)
            #expect(try await client.task(id: "fd-e", wait: 30).record.state == .succeeded)
            let d = try Self.interval("fd-d", marks), e = try Self.interval("fd-e", marks)
            #expect(e.lowerBound >= d.upperBound, "fd-e started at \(e.lowerBound), after fd-d ended at \(d.upperBound)")
        }
    }
}
