import FlotillaClient
import FlotillaCore
import FlotillaHub
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// Part two of `flotilla bench workflow`: what running a DAG as a workflow costs over submitting
/// the same tasks by hand. In one hub (in this process, fresh SQLite data directory) with the
/// benchmark's WebSocket agents completing each task at once, each shape is run alternately by
/// hand (one batch with `depends_on`, timed until its last completion is acknowledged) and as a
/// workflow run (`POST /api/workflow-runs`, timed until `GET /api/workflow-runs/{id}?wait` says it ended; both sides with `Prefer: return=minimal`), `repeats` times each.
public struct WorkflowRunBench: Sendable {
    public var steps: Int
    public var agents: Int
    public var concurrency: Int
    public var repeats: Int

    public init(steps: Int, agents: Int, concurrency: Int, repeats: Int) {
        self.steps = steps
        self.agents = agents
        self.concurrency = concurrency
        self.repeats = repeats
    }

    public struct Figures: Sendable {
        public var shape: WorkflowDAG
        /// Wall seconds of each run by hand, and of each workflow run.
        public var handSeconds: [Double] = []
        public var workflowSeconds: [Double] = []
        /// CPU seconds the whole process (hub, agents, client) spent on each: what the work
        /// cost, less swayed than wall time by other processes on a busy machine.
        public var handCPU: [Double] = []
        public var workflowCPU: [Double] = []
    }

    public func runEmbedded() async throws -> (figures: [Figures], hub: String) {
        let directory = NSTemporaryDirectory() + "flotilla-bench-workflow-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var logger = Logger(label: "flotilla.bench")
        logger.logLevel = .error
        let configuration = HubConfiguration(port: 0, dataDirectory: directory, maxBodySize: 64 << 20)
        let figures = try await Hub.serve(configuration: configuration, logger: logger) { served in
            try await measure(client: HubClient(baseURL: served.baseURL, token: served.adminToken))
        }
        return (figures, "embedded hub, SQLite WAL in \(directory)")
    }

    private func measure(client: HubClient) async throws -> [Figures] {
        let completions = BenchCompletions()
        let (readyAgents, readyContinuation) = AsyncStream.makeStream(of: Void.self)
        let name = UUID().uuidString.prefix(8)
        return try await withThrowingTaskGroup(of: [Figures].self) { group in
            for index in 0..<agents {
                group.addTask {
                    let agent = BenchAgentSocket(url: client.socketURL, token: client.token, agentID: "wfbench-\(name)-\(index)", roles: ["bench"], concurrency: concurrency)
                    try await agent.run(ready: { readyContinuation.yield() }) { completions.increment() }
                    return []
                }
            }
            var ready = readyAgents.makeAsyncIterator()
            for _ in 0..<agents { _ = await ready.next() }
            group.addTask {
                var all: [Figures] = []
                for shape in WorkflowDAG.allCases {
                    var figures = Figures(shape: shape)
                    for round in 0..<repeats {
                        var cpu = ProcessCPU.seconds()
                        figures.handSeconds.append(try await byHand(shape, round: round, client: client, completions: completions))
                        figures.handCPU.append(ProcessCPU.seconds() - cpu)
                        cpu = ProcessCPU.seconds()
                        figures.workflowSeconds.append(try await asWorkflow(shape, client: client, completions: completions))
                        figures.workflowCPU.append(ProcessCPU.seconds() - cpu)
                    }
                    all.append(figures)
                }
                return all
            }
            // The agents work until cancelled; the measuring task is the one that returns.
            while let figures = try await group.next() {
                if !figures.isEmpty {
                    group.cancelAll()
                    return figures
                }
            }
            throw BenchFailure(message: "the benchmark's agents stopped before the runs ended")
        }
    }

    private func byHand(_ shape: WorkflowDAG, round: Int, client: HubClient, completions: BenchCompletions) async throws -> Double {
        let body = shape.batch(steps, prefix: "h\(round)-\(UUID().uuidString.prefix(6))-").jsonString
        let count = shape.steps(steps).count
        let target = completions.value + count
        let start = ContinuousClock.now
        let (status, text) = try await client.raw(.POST, "/api/tasks", body: body, headers: HubClient.preferring(minimal: true), timeout: .seconds(300))
        guard status == 201 else { throw BenchFailure(message: "the batch by hand answered \(status): \(text.prefix(300))") }
        await completions.wait(until: target)
        return (ContinuousClock.now - start).seconds
    }

    private func asWorkflow(_ shape: WorkflowDAG, client: HubClient, completions: BenchCompletions) async throws -> Double {
        let source = shape.yaml(steps)
        let count = shape.steps(steps).count
        let target = completions.value + count
        let start = ContinuousClock.now
        let run = try await client.startWorkflowRun(source: source, file: "bench-\(shape.rawValue).yaml", minimal: true)
        guard let id = run["id"]?.stringValue else { throw BenchFailure(message: "the workflow run was not started: \(run.jsonString.prefix(300))") }
        await completions.wait(until: target)
        // Timed until the hub says the run has ended (its last task's end planned and stored).
        // Both sides ask for minimal answers (the batch by hand does too): what is timed is the
        // scheduling, not rendering a thousand steps for the benchmark to throw away.
        var ended = try await client.workflowRun(id: id, wait: 120, minimal: true)
        let took = (ContinuousClock.now - start).seconds
        while ended["status"] == "running", ContinuousClock.now - start < .seconds(300) {
            ended = try await client.workflowRun(id: id, wait: 60, minimal: true)
        }
        guard ended["status"] == "succeeded" else {
            throw BenchFailure(message: "the workflow run \(id) ended \(ended["status"]?.stringValue ?? "?"), not succeeded")
        }
        return took
    }
}
