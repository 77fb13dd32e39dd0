import FlotillaCore

/// The steps as a graph: a step comes after the steps it `needs`, and an `on_failure` step
/// after the steps that name it. Checked once all steps are read: no cycle, and a step reads
/// only steps that end before it starts.
struct StepGraph {
    let definition: WorkflowDefinition
    /// For each step (by index), the indexes of the steps it comes after.
    let before: [[Int]]
    let index: [String: Int]

    init(_ definition: WorkflowDefinition) {
        self.definition = definition
        var index: [String: Int] = [:]
        for (position, step) in definition.steps.enumerated() { index[step.id] = position }
        var before = definition.steps.map { $0.needs.compactMap { index[$0] } }
        for (position, step) in definition.steps.enumerated() {
            for handler in step.onFailure { if let h = index[handler] { before[h].append(position) } }
        }
        self.before = before
        self.index = index
    }

    func check() throws(WorkflowError) {
        if let cycle = findCycle() {
            let names = cycle.map { definition.steps[$0].id }
            let first = definition.steps[cycle[0]]
            throw WorkflowError(.cycle, "the steps form a cycle through needs and on_failure: \((names + [names[0]]).joined(separator: " → "))", at: first.location)
        }
        // Only steps that read other steps' values need their ancestors (most steps read none).
        guard definition.steps.contains(where: { !$0.reads.isEmpty }) else { return }
        let ancestors = ancestorSets()
        for (position, step) in definition.steps.enumerated() {
            for read in step.reads where read.step == step.id || !ancestors[position].contains(index[read.step] ?? -1) {
                let message = read.step == step.id
                    ? "step '\(step.id)' reads its own steps.\(step.id), which has no value before it ends"
                    : "step '\(step.id)' reads steps.\(read.step) but does not come after it: add '\(read.step)' to its needs"
                throw WorkflowError(.stepNotNeeded, message, at: read.location)
            }
        }
    }

    /// A cycle as step indexes in order, or nil. Iterative depth-first search (no recursion:
    /// a workflow may have thousands of steps).
    func findCycle() -> [Int]? {
        var color = [UInt8](repeating: 0, count: before.count)  // 0 new, 1 on the path, 2 done
        for start in before.indices where color[start] == 0 {
            var path: [(node: Int, next: Int)] = [(start, 0)]
            color[start] = 1
            while let top = path.last {
                if top.next < before[top.node].count {
                    path[path.count - 1].next += 1
                    let child = before[top.node][top.next]
                    if color[child] == 1 {
                        let nodes = path.map(\.node)
                        let from = nodes.firstIndex(of: child)!
                        // Listed in the order the steps run, each before the next, from the
                        // one listed first in the file.
                        let cycle = Array(nodes[from...].reversed())
                        let start = cycle.indices.min { cycle[$0] < cycle[$1] }!
                        return Array(cycle[start...] + cycle[..<start])
                    }
                    if color[child] == 0 {
                        color[child] = 1
                        path.append((child, 0))
                    }
                } else {
                    color[top.node] = 2
                    path.removeLast()
                }
            }
        }
        return nil
    }

    /// For each step, every step it comes after, directly or not (in topological order, so
    /// each set is built from sets already complete). Bit sets: ten layers of a hundred steps,
    /// each needing the whole layer before, are 90,000 unions, each a few words wide.
    func ancestorSets() -> [StepSet] {
        var sets = [StepSet](repeating: StepSet(count: before.count), count: before.count)
        for node in topologicalOrder() {
            var set = StepSet(count: before.count)
            for parent in before[node] {
                set.insert(parent)
                set.formUnion(sets[parent])
            }
            sets[node] = set
        }
        return sets
    }

    /// Steps with each after all it comes after (Kahn's algorithm; the graph has no cycle).
    func topologicalOrder() -> [Int] {
        var remaining = before.map(\.count)
        var after = [[Int]](repeating: [], count: before.count)
        for (node, parents) in before.enumerated() { for parent in parents { after[parent].append(node) } }
        var ready = remaining.indices.filter { remaining[$0] == 0 }
        var order: [Int] = []
        order.reserveCapacity(before.count)
        var head = 0
        while head < ready.count {
            let node = ready[head]
            head += 1
            order.append(node)
            for child in after[node] {
                remaining[child] -= 1
                if remaining[child] == 0 { ready.append(child) }
            }
        }
        return order
    }
}
