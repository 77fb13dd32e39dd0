import Testing
@testable import FlotillaCore

/// Issue 22's pure pieces behind the dashboard's data: the lanes' oldest entry, the last hour's
/// outcome buckets, the stats history ring and the dependency graph.
@Suite("Dashboard core")
struct DashboardCoreTests {
    @Test("a lane's oldest entry is its live head; removed entries are skipped, not counted")
    func oldestQueuedAt() {
        var lanes = ReadyLanes(agingInterval: 60)
        let general = LaneKey(role: "general", priority: .normal)
        let review = LaneKey(role: "review", priority: .high)
        lanes.push("a", lane: general, queuedAt: 10)
        lanes.push("b", lane: general, queuedAt: 20)
        lanes.push("r", lane: review, queuedAt: 15)
        #expect(lanes.oldestQueuedAt == [general: 10, review: 15])
        lanes.remove("a")
        #expect(lanes.oldestQueuedAt == [general: 20, review: 15])
        _ = lanes.popBest(roles: ["review"], capabilities: [], now: 30)
        #expect(lanes.oldestQueuedAt == [general: 20])
    }

    @Test("outcomes count per minute and leave the window an hour later")
    func outcomeWindow() {
        var window = OutcomeWindow()
        // Minutes since 1970: 1_000 s is in minute 16, 1_030 in 17, 1_100 in 18.
        window.record(.succeeded, at: 1_000)
        window.record(.failed, at: 1_030)
        window.record(.dead, at: 1_100)
        window.record(.cancelled, at: 1_100)
        window.record(.queued, at: 1_100)
        #expect(window.lastHour(now: 1_200) == OutcomeWindow.Counts(succeeded: 1, failed: 1, dead: 1))
        // An hour on, minute by minute, each bucket leaves the window.
        #expect(window.lastHour(now: 960 + 3_600) == OutcomeWindow.Counts(succeeded: 0, failed: 1, dead: 1))
        #expect(window.lastHour(now: 1_020 + 3_600) == OutcomeWindow.Counts(succeeded: 0, failed: 0, dead: 1))
        #expect(window.lastHour(now: 1_080 + 3_600) == OutcomeWindow.Counts())
        // A bucket reused an hour later starts from zero.
        window.record(.succeeded, at: 1_000 + 3_600)
        #expect(window.lastHour(now: 1_000 + 3_600) == OutcomeWindow.Counts(succeeded: 1, failed: 1, dead: 1))
        #expect(window.lastHour(now: 1_080 + 3_600) == OutcomeWindow.Counts(succeeded: 1))
    }

    @Test("the history keeps the newest samples, oldest first, in fixed memory")
    func historyRing() {
        var history = StatsHistory(capacity: 3)
        func sample(_ ts: Double) -> StatsSample {
            StatsSample(ts: ts, completedPerSecond: 0, latencyP50: nil, latencyP99: nil, queued: 0, running: 0)
        }
        #expect(history.samples.isEmpty)
        for ts in 1...5 { history.append(sample(Double(ts))) }
        #expect(history.count == 3)
        #expect(history.samples.map(\.ts) == [3, 4, 5])
        #expect(history.last(2).map(\.ts) == [4, 5])
        #expect(history.last(10).map(\.ts) == [3, 4, 5])
    }

    @Test("an interval's sample: rate over its length, latency percentiles, null without completions")
    func intervalSample() {
        var interval = IntervalCompletions()
        let idle = interval.sample(at: 100, seconds: 10, queued: 3, running: 1)
        #expect(idle.completedPerSecond == 0 && idle.latencyP50 == nil && idle.latencyP99 == nil && idle.queued == 3 && idle.running == 1)
        for latency in 1...100 { interval.record(latency: Double(latency)) }
        let busy = interval.sample(at: 110, seconds: 10, queued: 0, running: 0)
        #expect(busy.completedPerSecond == 10)
        #expect(busy.latencyP50 == 51 && busy.latencyP99 == 100)
        #expect(busy.json["latency_p50"]?.doubleValue == 51 && idle.json["latency_p99"] == .null)
    }

    @Test("the scheduler's sample takes the interval's successes and starts a fresh one")
    func schedulerSample() throws {
        var scheduler = Scheduler()
        _ = try scheduler.submit([TaskSpec(type: "code.generate", role: "nobody")], now: 0)
        let sample = scheduler.takeSample(now: 10, seconds: 10)
        #expect(sample.queued == 1 && sample.completedPerSecond == 0)
    }

    @Test("a node's title is the prompt's first line, at most 80 characters")
    func titles() {
        #expect(TaskGraph.title(of: "Fix the parser\nthen test it") == "Fix the parser")
        #expect(TaskGraph.title(of: String(repeating: "é", count: 100)) == String(repeating: "é", count: 80))
        #expect(TaskGraph.title(of: nil) == "")
        #expect(TaskGraph.title(of: "\nsecond") == "")
    }

    @Test("the graph drops edges to tasks it does not show and duplicate nodes")
    func graphBuilding() {
        let node = { (id: String) in TaskGraph.Node(id: id, state: .queued, type: "t", role: "r", prompt: nil) }
        let graph = TaskGraph(
            nodes: [node("b"), node("a"), node("a")],
            edges: [.init(from: "a", to: "b"), .init(from: "a", to: "b"), .init(from: "gone", to: "b")],
            truncated: false
        )
        #expect(graph.nodes.map(\.id) == ["a", "b"])
        #expect(graph.edges == [.init(from: "a", to: "b")])
        #expect(graph.json["edges"] == [["from": "a", "to": "b"]])
    }

    @Test("a component is walked both ways, nearest first, and cut at the limit")
    func component() {
        // a → b → c, d → c, e → f (apart).
        let all: [TaskGraph.Edge] = [.init(from: "a", to: "b"), .init(from: "b", to: "c"), .init(from: "d", to: "c"), .init(from: "e", to: "f")]
        var queries = 0
        let neighbours = { (ids: [String]) -> [TaskGraph.Edge] in
            queries += 1
            return all.filter { ids.contains($0.from) || ids.contains($0.to) }
        }
        let whole = TaskGraph.component(of: "b", limit: 10, neighbours: neighbours)
        #expect(Set(whole.ids) == ["a", "b", "c", "d"] && !whole.truncated)
        #expect(Set(whole.edges) == Set(all.prefix(3)))
        #expect(queries == 3, "one lookup per layer: b; then a, c; then d")
        let cut = TaskGraph.component(of: "b", limit: 2, neighbours: neighbours)
        #expect(cut.ids.count == 2 && cut.truncated)
        let apart = TaskGraph.component(of: "e", limit: 10, neighbours: neighbours)
        #expect(Set(apart.ids) == ["e", "f"])
    }
}
