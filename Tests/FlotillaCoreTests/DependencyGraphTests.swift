import Testing
@testable import FlotillaCore

@Suite("DependencyGraph")
struct DependencyGraphTests {
    /// A reported cycle starts and ends on the same id and follows real edges.
    func isCycle(_ path: [String], in edges: [String: [String]]) -> Bool {
        guard path.count >= 2, path.first == path.last else { return false }
        return zip(path, path.dropFirst()).allSatisfy { edges[$0.0]?.contains($0.1) ?? false }
    }

    @Test("empty graph and a single node are acyclic")
    func trivial() {
        #expect(DependencyGraph.findCycle([:]) == nil)
        #expect(DependencyGraph.findCycle(["a": []]) == nil)
    }

    @Test("self-loop")
    func selfLoop() {
        #expect(DependencyGraph.findCycle(["a": ["a"]]) == ["a", "a"])
    }

    @Test("two-cycle")
    func twoCycle() throws {
        let edges = ["a": ["b"], "b": ["a"]]
        let cycle = try #require(DependencyGraph.findCycle(edges))
        #expect(cycle.count == 3)
        #expect(Set(cycle) == ["a", "b"])
        #expect(isCycle(cycle, in: edges))
    }

    @Test("longer cycle")
    func longCycle() throws {
        let edges = ["a": ["b"], "b": ["c"], "c": ["d"], "d": ["e"], "e": ["b"]]
        let cycle = try #require(DependencyGraph.findCycle(edges))
        #expect(isCycle(cycle, in: edges))
        #expect(Set(cycle) == ["b", "c", "d", "e"], "the path leading into the cycle (a) is not part of it")
        #expect(cycle.count == 5)
    }

    @Test("acyclic DAGs: chain, diamond, shared leaves")
    func acyclic() {
        #expect(DependencyGraph.findCycle(["c": ["b"], "b": ["a"], "a": []]) == nil)
        #expect(DependencyGraph.findCycle(["d": ["b", "c"], "b": ["a"], "c": ["a"], "a": []]) == nil)
        #expect(DependencyGraph.findCycle(["x": ["l1", "l2"], "y": ["l1", "l2"], "z": ["x", "y", "l1"]]) == nil)
    }

    @Test("ids outside the graph are leaves")
    func outsideIDs() {
        #expect(DependencyGraph.findCycle(["a": ["stored-1"], "b": ["a", "stored-2"]]) == nil)
    }

    @Test("a cycle hidden behind an acyclic part is found")
    func hiddenCycle() throws {
        let edges = ["a": ["b"], "b": ["c"], "c": [], "m": ["n"], "n": ["o"], "o": ["n"]]
        let cycle = try #require(DependencyGraph.findCycle(edges))
        #expect(isCycle(cycle, in: edges))
        #expect(Set(cycle) == ["n", "o"])
    }

    @Test("large chain without recursion trouble")
    func largeChain() {
        var edges: [String: [String]] = [:]
        for index in 1..<300 { edges["t\(index)"] = ["t\(index - 1)"] }
        #expect(DependencyGraph.findCycle(edges) == nil)
        edges["t0"] = ["t299"]
        let cycle = DependencyGraph.findCycle(edges)
        #expect(cycle.map { isCycle($0, in: edges) } == true)
        #expect(cycle?.count == 301)
    }
}
