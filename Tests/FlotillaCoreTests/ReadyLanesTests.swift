import Testing
@testable import FlotillaCore

@Suite("ReadyLanes")
struct ReadyLanesTests {
    let general: Set<String> = ["general"]

    func lane(_ priority: Priority, role: String = "general", capabilities: [String] = []) -> LaneKey {
        LaneKey(role: role, priority: priority, capabilities: capabilities)
    }

    /// Pops until empty for one agent profile.
    func drain(_ lanes: inout ReadyLanes, roles: Set<String> = ["general"], capabilities: Set<String> = [], now: Double) -> [String] {
        var out: [String] = []
        while let id = lanes.popBest(roles: roles, capabilities: capabilities, now: now) { out.append(id) }
        return out
    }

    @Test("critical before high before normal before low")
    func priorityOrder() {
        var lanes = ReadyLanes(agingInterval: 60)
        // Pushed lowest first, all at the same instant, so only the priority decides.
        lanes.push("l", lane: lane(.low), queuedAt: 0)
        lanes.push("n", lane: lane(.normal), queuedAt: 0)
        lanes.push("h", lane: lane(.high), queuedAt: 0)
        lanes.push("c", lane: lane(.critical), queuedAt: 0)
        #expect(lanes.count == 4)
        #expect(drain(&lanes, now: 1) == ["c", "h", "n", "l"])
        #expect(lanes.count == 0)
        #expect(lanes.popBest(roles: general, capabilities: [], now: 1) == nil)
    }

    @Test("higher priority wins even when the lower one is older (within one aging interval)")
    func priorityBeatsAgeBelowInterval() {
        var lanes = ReadyLanes(agingInterval: 60)
        lanes.push("old-low", lane: lane(.low), queuedAt: 0)
        lanes.push("new-high", lane: lane(.high), queuedAt: 59)
        #expect(drain(&lanes, now: 59.9) == ["new-high", "old-low"])
    }

    @Test("FIFO within a lane")
    func fifoWithinLane() {
        var lanes = ReadyLanes(agingInterval: 60)
        for (index, id) in ["a", "b", "c", "d", "e"].enumerated() {
            lanes.push(id, lane: lane(.normal), queuedAt: Double(index))
        }
        #expect(drain(&lanes, now: 10) == ["a", "b", "c", "d", "e"])
    }

    @Test("FIFO holds for equal timestamps (push order)")
    func fifoSameInstant() {
        var lanes = ReadyLanes(agingInterval: 60)
        for id in ["z", "y", "x"] { lanes.push(id, lane: lane(.high), queuedAt: 5) }
        #expect(drain(&lanes, now: 5) == ["z", "y", "x"])
    }

    @Test("same priority in different lanes: the older head goes first")
    func samePriorityAcrossLanes() {
        var lanes = ReadyLanes(agingInterval: 60)
        lanes.push("gpu-early", lane: lane(.normal, capabilities: ["gpu"]), queuedAt: 2)
        lanes.push("gpu-late", lane: lane(.normal, capabilities: ["gpu"]), queuedAt: 3)
        lanes.push("plain-early", lane: lane(.normal), queuedAt: 1)
        #expect(drain(&lanes, capabilities: ["gpu"], now: 4) == ["plain-early", "gpu-early", "gpu-late"])
    }

    @Test("aging: a low task waiting 4+ intervals beats a fresh critical one")
    func agingBeatsCritical() {
        var lanes = ReadyLanes(agingInterval: 10)
        lanes.push("old-low", lane: lane(.low), queuedAt: 0)
        lanes.push("fresh-critical", lane: lane(.critical), queuedAt: 45)
        // Waited 4.5 intervals: effective rank 3 - 4 = -1 < 0.
        #expect(drain(&lanes, now: 45) == ["old-low", "fresh-critical"])
    }

    @Test("aging: after exactly 3 intervals low ties with critical; the tie goes to the higher lane")
    func agingTieGoesToHigherLane() {
        var lanes = ReadyLanes(agingInterval: 10)
        lanes.push("old-low", lane: lane(.low), queuedAt: 0)
        lanes.push("fresh-critical", lane: lane(.critical), queuedAt: 35)
        #expect(lanes.effectiveRank(priority: .low, queuedAt: 0, now: 35) == 0)
        #expect(drain(&lanes, now: 35) == ["fresh-critical", "old-low"])
    }

    @Test("aging: a low task waiting 3 intervals beats a fresh high one")
    func agingBeatsHigh() {
        var lanes = ReadyLanes(agingInterval: 10)
        lanes.push("old-low", lane: lane(.low), queuedAt: 0)
        lanes.push("fresh-high", lane: lane(.high), queuedAt: 30)
        #expect(drain(&lanes, now: 30) == ["old-low", "fresh-high"])
    }

    @Test("effective rank: one step per whole interval, floored, never negative wait")
    func effectiveRank() {
        let lanes = ReadyLanes(agingInterval: 10)
        #expect(lanes.effectiveRank(priority: .low, queuedAt: 0, now: 0) == 3)
        #expect(lanes.effectiveRank(priority: .low, queuedAt: 0, now: 9.999) == 3)
        #expect(lanes.effectiveRank(priority: .low, queuedAt: 0, now: 10) == 2)
        #expect(lanes.effectiveRank(priority: .low, queuedAt: 0, now: 29.5) == 1)
        #expect(lanes.effectiveRank(priority: .low, queuedAt: 0, now: 19.99) == 2)
        #expect(lanes.effectiveRank(priority: .critical, queuedAt: 0, now: 25) == -2)
        // A clock that stepped back does not make a task worse than its priority.
        #expect(lanes.effectiveRank(priority: .normal, queuedAt: 100, now: 50) == 2)
        // Aging disabled.
        let flat = ReadyLanes(agingInterval: 0)
        #expect(flat.effectiveRank(priority: .low, queuedAt: 0, now: 1_000_000) == 3)
    }

    @Test("aging never reorders a single lane")
    func agingKeepsFifo() {
        var lanes = ReadyLanes(agingInterval: 1)
        lanes.push("first", lane: lane(.low), queuedAt: 0)
        lanes.push("second", lane: lane(.low), queuedAt: 50)
        #expect(drain(&lanes, now: 1000) == ["first", "second"])
    }

    @Test("role routing: an agent only sees lanes of its roles")
    func roleRouting() {
        var lanes = ReadyLanes()
        lanes.push("t", lane: lane(.critical, role: "testing"), queuedAt: 0)
        lanes.push("g", lane: lane(.low, role: "general"), queuedAt: 1)
        #expect(!lanes.hasWork(roles: ["review"], capabilities: []))
        #expect(lanes.popBest(roles: ["review"], capabilities: [], now: 2) == nil)
        #expect(lanes.popBest(roles: ["general"], capabilities: [], now: 2) == "g")
        #expect(lanes.popBest(roles: ["general"], capabilities: [], now: 2) == nil)
        #expect(lanes.popBest(roles: ["general", "testing"], capabilities: [], now: 2) == "t")
    }

    @Test("capability routing: all of the lane's capabilities are required")
    func capabilityRouting() {
        var lanes = ReadyLanes()
        lanes.push("needs-both", lane: lane(.normal, capabilities: ["linux", "gpu"]), queuedAt: 0)
        #expect(lanes.popBest(roles: general, capabilities: [], now: 1) == nil)
        #expect(lanes.popBest(roles: general, capabilities: ["gpu"], now: 1) == nil)
        #expect(!lanes.hasWork(roles: general, capabilities: ["linux"]))
        #expect(lanes.hasWork(roles: general, capabilities: ["gpu", "linux", "docker"]))
        #expect(lanes.popBest(roles: general, capabilities: ["gpu", "linux", "docker"], now: 1) == "needs-both")
    }

    @Test("a task without capabilities fits any agent of its role")
    func noCapabilitiesFitsAll() {
        let key = lane(.normal)
        #expect(key.fits(roles: ["general"], capabilities: []))
        #expect(key.fits(roles: ["general", "x"], capabilities: ["gpu"]))
        #expect(!key.fits(roles: [], capabilities: ["gpu"]))
    }

    @Test("lazy removal: removed ids are skipped and counts stay right")
    func lazyRemoval() {
        var lanes = ReadyLanes()
        for (index, id) in ["a", "b", "c"].enumerated() { lanes.push(id, lane: lane(.normal), queuedAt: Double(index)) }
        let removedA = lanes.remove("a")
        let removedB = lanes.remove("b")
        let removedBAgain = lanes.remove("b")
        let removedUnknown = lanes.remove("nope")
        #expect(removedA)
        #expect(removedB)
        #expect(!removedBAgain, "removing twice reports false")
        #expect(!removedUnknown)
        #expect(lanes.count == 1)
        #expect(!lanes.contains("a"))
        #expect(lanes.contains("c"))
        #expect(lanes.depths == [lane(.normal): 1])
        #expect(drain(&lanes, now: 5) == ["c"])
        #expect(lanes.depths.isEmpty)
    }

    @Test("a lane whose every task was removed has no work")
    func allRemoved() {
        var lanes = ReadyLanes()
        lanes.push("a", lane: lane(.high), queuedAt: 0)
        lanes.push("b", lane: lane(.low), queuedAt: 0)
        lanes.remove("a")
        #expect(lanes.hasWork(roles: general, capabilities: []))
        #expect(lanes.popBest(roles: general, capabilities: [], now: 1) == "b", "the removed high task does not shadow the low one")
        #expect(!lanes.hasWork(roles: general, capabilities: []))
        #expect(lanes.popBest(roles: general, capabilities: [], now: 1) == nil)
    }

    @Test("many one-off lanes: emptied ones are dropped and the queued and removed tasks stay right")
    func emptiedLanesAreCompacted() {
        var lanes = ReadyLanes(agingInterval: 60)
        // Forty roles used once each, then a lane that outlives them: a live task, a removed
        // one behind it, and another live one.
        for index in 0..<40 { lanes.push("once-\(index)", lane: lane(.normal, role: "r\(index)"), queuedAt: 0) }
        lanes.push("keep-1", lane: lane(.high), queuedAt: 2)
        lanes.push("gone", lane: lane(.high), queuedAt: 3)
        lanes.push("keep-2", lane: lane(.high), queuedAt: 4)
        for index in 0..<40 {
            #expect(lanes.popBest(roles: ["r\(index)"], capabilities: [], now: 5) == "once-\(index)")
        }
        let removed = lanes.remove("gone")
        #expect(removed)
        // A new lane while forty of forty-one are empty: the empty ones go, the last one moves up.
        lanes.push("fresh", lane: lane(.low, role: "new-role"), queuedAt: 6)
        // Both kinds of bookkeeping must follow it: a removed id pushed again replaces its
        // dead entry, and a queued one can still be removed.
        lanes.push("gone", lane: lane(.high), queuedAt: 7)
        let removedAfter = lanes.remove("keep-2")
        #expect(removedAfter)
        #expect(lanes.count == 3)
        #expect(lanes.depths == [lane(.high): 2, lane(.low, role: "new-role"): 1])
        #expect(drain(&lanes, now: 8) == ["keep-1", "gone"])
        #expect(lanes.popBest(roles: ["new-role"], capabilities: [], now: 8) == "fresh")
        #expect(lanes.count == 0)
        #expect(!lanes.hasWork(roles: ["general", "new-role"], capabilities: []))
    }

    @Test("pushing an id that is already queued is ignored")
    func duplicatePush() {
        var lanes = ReadyLanes()
        lanes.push("a", lane: lane(.normal), queuedAt: 0)
        lanes.push("a", lane: lane(.critical), queuedAt: 1)
        #expect(lanes.count == 1)
        #expect(lanes.depths == [lane(.normal): 1])
        #expect(drain(&lanes, now: 2) == ["a"])
    }

    @Test(
        "a removed id pushed again is popped once, and the lane behind it is not lost")
    func removeThenPushAgain() {
        var lanes = ReadyLanes()
        lanes.push("a", lane: lane(.normal), queuedAt: 0)
        lanes.remove("a")
        lanes.push("a", lane: lane(.normal), queuedAt: 5)
        lanes.push("b", lane: lane(.normal), queuedAt: 6)
        #expect(drain(&lanes, now: 10) == ["a", "b"])
        #expect(lanes.count == 0)
    }

    @Test("lane keys: capability order does not matter; description names the lane")
    func laneKeys() {
        #expect(LaneKey(role: "r", priority: .low, capabilities: ["b", "a"]) == LaneKey(role: "r", priority: .low, capabilities: ["a", "b"]))
        #expect(LaneKey(role: "r", priority: .low, capabilities: ["b", "a"]).description == "r/low[a,b]")
        #expect(LaneKey(role: "testing", priority: .critical).description == "testing/critical")
        let fromSpec = LaneKey(spec: TaskSpec(type: "testing.run", capabilities: ["z", "y"], priority: .high))
        #expect(fromSpec == LaneKey(role: "testing", priority: .high, capabilities: ["y", "z"]))
    }

    @Test("priority ranks and comparison")
    func priorityRanks() {
        #expect(Priority.allCases.map(\.rank) == [0, 1, 2, 3])
        #expect(Priority(rank: 0) == .critical)
        #expect(Priority(rank: 4) == nil)
        #expect(Priority.critical > Priority.high)
        #expect(Priority.low < Priority.normal)
        #expect(Priority.allCases.sorted(by: >) == [.critical, .high, .normal, .low])
    }
}
