import FlotillaClient
import FlotillaCore
import FlotillaEngine
import FlotillaHub
import Foundation
import Testing

/// Live output of an attempt, end to end: a real hub, real `flotilla agent` processes running
/// shell tasks, `GET /api/tasks/{id}/output` (plain and `?follow=1`) and the files it keeps.
@Suite(.serialized) struct LiveOutputTests {
    static func agent(_ served: ServedHub, id: String = "out-" + UUID().uuidString.prefix(6).lowercased(), extra: [String] = []) throws -> AgentProcess {
        try AgentProcess(["--agent-id", id, "--workdir", Paths.temporaryDirectory()] + extra, hub: served.baseURL, token: served.adminToken)
    }

    static func submit(_ client: HubClient, _ command: String, extra: [String: JSONValue] = [:]) async throws -> String {
        var task: [String: JSONValue] = ["type": "code.generate", "payload": ["command": .string(command)]]
        task.merge(extra) { _, new in new }
        return try #require(try await client.submit(.object(task))["id"]?.stringValue)
    }

    static func succeeded(_ client: HubClient, _ id: String, within seconds: Double = 60) async throws {
        try await eventually("task \(id) succeeded", within: seconds) { try await client.state(of: id) == "succeeded" }
    }

    @Test func followingSeesALineWhileTheTaskRunsThenTheEnd() async throws {
        try await LiveHub.run { served, client in
            let agent = try Self.agent(served)
            defer { agent.stop() }
            // The task waits for the test to open a gate before its second line: with `sleep 2`
            // instead, a loaded machine delivered the first line after the task had ended.
            let gate = Paths.temporaryDirectory("gate") + "/open"
            let id = try await Self.submit(client, "echo first-line; until [ -e \(gate) ]; do sleep 0.05; done; echo second-line")
            let stream = client.followOutput(id)
            let (events, stateAtFirstLine) = try await readStream(stream, within: 60) { (event: OutputStreamEvent, sawFirst: String?) async throws -> String? in
                // The task's state the moment its first line arrived: still running.
                if case .output(_, _, let text, _) = event, text.contains("first-line"), sawFirst == nil {
                    let state = try await client.state(of: id) ?? "unknown"
                    FileManager.default.createFile(atPath: gate, contents: nil)
                    return state
                }
                return nil
            } until: { event in
                if case .end = event { return true }
                return false
            }
            #expect(stateAtFirstLine == "running" || stateAtFirstLine == "assigned", "state when the first line arrived: \(String(describing: stateAtFirstLine))\n\(agent.log.suffix(2000))")
            let text = events.compactMap { event -> String? in
                if case .output(_, _, let text, _) = event { return text }
                return nil
            }.joined()
            #expect(text == "first-line\nsecond-line\n")
            #expect(events.last == .end(attempt: 1, state: "succeeded"))
            // Each output event's id resumes after it: attempt 1, offset after its text.
            if case .output(let attempt, let offset, let chunk, let eventID)? = events.first {
                #expect(eventID == "\(attempt):\(offset + chunk.utf8.count)")
            }
        }
    }

    @Test func theFileHoldsEverythingMemoryTheTailAndTheCapHolds() async throws {
        let data = Paths.temporaryDirectory("hub")
        try await LiveHub.run(dataDirectory: data, configure: { $0.output = OutputConfiguration(memoryBytes: 4096, fileBytes: 30_000) }) { served, client in
            let agent = try Self.agent(served)
            defer { agent.stop() }
            let expected = (1...5000).map { "\($0)\n" }.joined()
            let small = try await Self.submit(client, "seq 1 5000")
            try await Self.succeeded(client, small)
            let whole = try await client.taskOutput(small)
            #expect(whole["attempt"] == 1)
            #expect(whole["done"] == true)
            #expect(whole["bytes"] == .int(Int64(expected.utf8.count)))
            #expect(whole["truncated"] == false)
            #expect(whole["text"]?.stringValue == expected, "\(agent.log.suffix(2000))")
            let tail = try await client.taskOutput(small, tail: 100)
            #expect(tail["text"]?.stringValue == String(decoding: Array(expected.utf8).suffix(100), as: UTF8.self))
            #expect(tail["truncated"] == true)
            await served.hub.engine.flushOutput()
            let file = DataDirectory(data).outputLogPath(taskID: small, attempt: 1)
            #expect(try String(contentsOfFile: file, encoding: .utf8) == expected)
            // Memory keeps only the tail: under two limits of 4 KiB for the attempt.
            #expect(served.hub.engine.outputBytesInMemory <= 2 * 4096)

            let big = try await Self.submit(client, "seq 1 10000")
            try await Self.succeeded(client, big)
            let full = (1...10000).map { "\($0)\n" }.joined()
            await served.hub.engine.flushOutput()
            let capped = try String(contentsOfFile: DataDirectory(data).outputLogPath(taskID: big, attempt: 1), encoding: .utf8)
            #expect(capped.hasPrefix(String(decoding: Array(full.utf8).prefix(30_000), as: UTF8.self)))
            #expect(capped.hasSuffix("\n[flotilla: output past 30000 bytes was not kept in this file]\n"))
            #expect(capped.utf8.count < 30_100)
            let shown = try await client.taskOutput(big)
            #expect(shown["bytes"] == .int(Int64(full.utf8.count)))
            #expect(shown["truncated"] == true)
            #expect(shown["text"]?.stringValue.map { full.hasSuffix($0) && !$0.isEmpty } == true)
        }
    }

    @Test func aRetrysOutputIsAttemptTwoAndScopesAndUnknownTasksAreRefused() async throws {
        try await LiveHub.run { served, client in
            let agent = try Self.agent(served, id: "retrier")
            defer { agent.stop() }
            let marker = Paths.temporaryDirectory("marker") + "/tried"
            let id = try await Self.submit(client, "if [ -f \(marker) ]; then echo second-try; else touch \(marker); echo first-try; exit 1; fi", extra: ["max_attempts": 2])
            try await Self.succeeded(client, id)
            let latest = try await client.taskOutput(id)
            #expect(latest["attempt"] == 2)
            #expect(latest["text"] == "second-try\n")
            let first = try await client.taskOutput(id, attempt: 1)
            #expect(first["attempt"] == 1)
            #expect(first["text"] == "first-try\n")
            #expect(first["done"] == true)
            await #expect(throws: HubClient.Failure.self) { try await client.taskOutput(id, attempt: 3) }

            // Followed from attempt 1: its output, then the retry announced, then attempt 2's.
            let events = try await readStream(client.followOutput(id, attempt: 1), within: 60) { event in
                if case .end = event { return true }
                return false
            }
            let kinds = events.map { event -> String in
                switch event {
                case .output(let attempt, _, let text, _): "\(attempt):\(text)"
                case .attempt(let number): "attempt \(number)"
                case .end(let attempt, let state): "end \(attempt ?? 0) \(state)"
                }
            }
            #expect(kinds == ["1:first-try\n", "attempt 2", "2:second-try\n", "end 2 succeeded"])

            do {
                _ = try await client.taskOutput("no-such-task")
                Issue.record("an unknown task answered")
            } catch let failure as HubClient.Failure {
                #expect(failure.status == 404 && failure.code == "task_not_found")
            }
            let viewer = try #require(try await client.createToken(name: "viewer", scope: "viewer")["token"]?.stringValue)
            let read = try await HubClient(baseURL: served.baseURL, token: viewer).taskOutput(id)
            #expect(read["text"] == "second-try\n")
            let agentToken = try #require(try await client.createToken(name: "agent", agentID: "someone")["token"]?.stringValue)
            do {
                _ = try await HubClient(baseURL: served.baseURL, token: agentToken).taskOutput(id)
                Issue.record("an agent token read task output")
            } catch let failure as HubClient.Failure {
                #expect(failure.status == 403 && failure.code == "forbidden")
            }
        }
    }

    @Test func aFloodRunsAsFastAsWithoutStreamingAndTheHubStaysBounded() async throws {
        let data = Paths.temporaryDirectory("hub")
        try await LiveHub.run(dataDirectory: data) { served, client in
            let streaming = try Self.agent(served, extra: ["--role", "flood"])
            let quiet = try Self.agent(served, extra: ["--role", "quiet", "--output-rate", "0"])
            defer { streaming.stop(); quiet.stop() }
            let command = "yes $(printf %0100d 0) | head -c 50000000; echo flood-done"
            let timing = { @Sendable (role: String) async throws -> (id: String, seconds: Double) in
                let started = ContinuousClock.now
                let id = try await Self.submit(client, command, extra: ["role": .string(role), "timeout_seconds": 120])
                try await Self.succeeded(client, id, within: 120)
                let elapsed = ContinuousClock.now - started
                return (id, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
            }
            // Side by side, so both run under the same load of the machine.
            async let quietRun = timing("quiet")
            async let floodRun = timing("flood")
            let (baseline, streamed) = try await (quietRun, floodRun)
            // Streaming never holds the program up: same work, same time (within noise).
            #expect(streamed.seconds <= baseline.seconds * 1.5 + 3, "streamed \(streamed.seconds) s, without streaming \(baseline.seconds) s")
            // 50 MB printed, at most 1 MiB a second (and a second's burst) streamed; the gaps
            // are said in the log, and the program's last line is there.
            let output = try await client.taskOutput(streamed.id)
            let bytes = try #require(output["bytes"]?.intValue)
            #expect(bytes < Int64((streamed.seconds + 2) * 1_048_576), "\(bytes) bytes streamed in \(streamed.seconds) s")
            #expect(output["text"]?.stringValue?.hasSuffix("flood-done\n") == true)
            await served.hub.engine.flushOutput()
            let file = try String(contentsOfFile: DataDirectory(data).outputLogPath(taskID: streamed.id, attempt: 1), encoding: .utf8)
            #expect(file.contains(" bytes of output skipped]\n"), "\(file.prefix(300))")
            // The hub holds at most two 64 KiB buffers per attempt.
            #expect(served.hub.engine.outputBytesInMemory <= 2 * (64 << 10))
            // The quiet agent streamed nothing.
            #expect(try await client.taskOutput(baseline.id)["bytes"] == 0)
        }
    }

    @Test func aFinishedAttemptLeavesMemoryAndItsFileServesIt() async throws {
        // Kept 5 s, not 0.3: the buffer must still be there when the test sees the task succeed,
        // and on a loaded machine that look can come more than 0.3 s after the end.
        try await LiveHub.run(configure: { $0.output = OutputConfiguration(keepSeconds: 5) }) { served, client in
            let agent = try Self.agent(served)
            defer { agent.stop() }
            let id = try await Self.submit(client, "echo from-memory-then-file")
            try await Self.succeeded(client, id)
            #expect(served.hub.engine.outputBytesInMemory > 0)
            // Past keepSeconds after the end (which came before the look above): a wait the
            // behaviour asks for, not one that hopes.
            try await Task.sleep(for: .milliseconds(5100))
            // The next committed events sweep buffers of tasks final for longer than keepSeconds.
            _ = try await client.submit(["type": "code.generate", "role": "nobody", "payload": ["command": "true"]])
            try await eventually("the finished attempt's buffer is dropped") { served.hub.engine.outputBytesInMemory == 0 }
            #expect(try await client.taskOutput(id)["text"] == "from-memory-then-file\n")
        }
    }

    @Test func retentionDeletesThePrunedTasksOutputFiles() async throws {
        let data = Paths.temporaryDirectory("hub")
        try await LiveHub.run(dataDirectory: data, configure: { $0.retention = RetentionPolicy(maxAge: 3, interval: 0.2, batchSize: 10, pause: 0.01) }) { served, client in
            let agent = try Self.agent(served)
            defer { agent.stop() }
            let id = try await Self.submit(client, "echo kept-for-now")
            try await Self.succeeded(client, id)
            await served.hub.engine.flushOutput()
            let directory = DataDirectory(data).outputDirectory(taskID: id)
            #expect(FileManager.default.fileExists(atPath: directory + "/1.log"))
            try await eventually("the task and its output files are deleted", within: 60) {
                (try? await client.task(id)) == nil && !FileManager.default.fileExists(atPath: directory)
            }
        }
    }

    @Test func tasksLogsPrintsTheOutputAndFollowsUntilTheEnd() async throws {
        try await LiveHub.run { served, client in
            let agent = try Self.agent(served)
            defer { agent.stop() }
            let id = try await Self.submit(client, #"printf '\033[32mgreen\033[0m\n'; sleep 2; echo after-sleep"#)
            try await eventually("the task is running") { try await client.state(of: id) == "running" }
            let follow = try CLIProcess(["tasks", "logs", id, "-f", "--hub", served.baseURL, "--token", served.adminToken])
            let status = try await follow.finish(within: 60)
            #expect(status == 0, "\(follow.stderr)")
            #expect(follow.stdout == "\u{1B}[32mgreen\u{1B}[0m\nafter-sleep\n")
            #expect(follow.stderr.contains("--- task succeeded (attempt 1) ---"))
            let plain = try await CLIProcess.run(["tasks", "logs", id, "--hub", served.baseURL, "--token", served.adminToken])
            #expect(plain.status == 0)
            #expect(plain.stdout == "\u{1B}[32mgreen\u{1B}[0m\nafter-sleep\n")
            let missing = try await CLIProcess.run(["tasks", "logs", "no-such-task", "--hub", served.baseURL, "--token", served.adminToken])
            #expect(missing.status == 1)
            #expect(missing.stderr.contains("task_not_found"))
        }
    }
}

/// Reads `stream` until `until` holds for an element (inclusive), the stream ends, or `seconds`
/// pass (then it throws). `observe` runs on each element and may note one value (the first non-nil).
func readStream<Element: Sendable, Note: Sendable>(
    _ stream: AsyncThrowingStream<Element, any Error>, within seconds: Double,
    observe: @escaping @Sendable (Element, Note?) async throws -> Note?,
    until: @escaping @Sendable (Element) -> Bool
) async throws -> ([Element], Note?) {
    try await withThrowingTaskGroup(of: ([Element], Note?)?.self) { group in
        group.addTask {
            var seen: [Element] = []
            var note: Note?
            for try await element in stream {
                seen.append(element)
                if note == nil { note = try await observe(element, note) }
                if until(element) { break }
            }
            return (seen, note)
        }
        group.addTask {
            try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
            return nil
        }
        let first = try await group.next() ?? nil
        group.cancelAll()
        guard let first else { throw TestFailure("timed out after \(seconds)s reading a stream") }
        return first
    }
}

func readStream<Element: Sendable>(_ stream: AsyncThrowingStream<Element, any Error>, within seconds: Double, until: @escaping @Sendable (Element) -> Bool) async throws -> [Element] {
    try await readStream(stream, within: seconds, observe: { (_, _) -> Bool? in nil }, until: until).0
}
