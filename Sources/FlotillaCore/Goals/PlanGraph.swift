/// The `needs` graph of a plan, as written (a step with other issues still counts): finds cycles, each with its path, in
/// document order. Iterative, so a plan of any size cannot overflow the stack.
struct PlanGraph {
    struct Cycle: Hashable {
        /// The step and the `needs` entry that closes the cycle.
        var step: Int
        var need: Int
        var message: String
    }

    /// A step's id and its `needs` entries at their places (an entry that is not a string is
    /// "", which names no step).
    struct Node: Hashable {
        var id: String
        var needs: [String]
    }

    let steps: [Node]
    private let index: [String: Int]

    init(_ steps: [Node]) {
        self.steps = steps
        var index: [String: Int] = [:]
        for (position, step) in steps.enumerated() where index[step.id] == nil && !step.id.isEmpty { index[step.id] = position }
        self.index = index
    }

    /// One cycle per `needs` entry that closes one (a back edge of a depth-first walk in step
    /// order): `a → b → c → a`, read as "a needs b, which needs c, which needs a".
    func cycles() -> [Cycle] {
        enum Mark { case unvisited, onPath, done }
        var marks = Array(repeating: Mark.unvisited, count: steps.count)
        var found: [Cycle] = []
        for root in steps.indices where marks[root] == .unvisited {
            // The walk's path: (step, next `needs` entry to follow).
            var path: [(step: Int, next: Int)] = [(root, 0)]
            marks[root] = .onPath
            while let top = path.last {
                let needs = steps[top.step].needs
                guard top.next < needs.count else {
                    marks[top.step] = .done
                    path.removeLast()
                    continue
                }
                path[path.count - 1].next += 1
                guard let target = index[needs[top.next]] else { continue }
                switch marks[target] {
                case .unvisited:
                    marks[target] = .onPath
                    path.append((target, 0))
                case .onPath:
                    let start = path.firstIndex { $0.step == target } ?? 0
                    let ids = path[start...].map { steps[$0.step].id } + [steps[target].id]
                    let message = target == top.step
                        ? "a step cannot need itself ('\(steps[target].id)')"
                        : "needs form a cycle: \(ids.joined(separator: " → "))"
                    found.append(Cycle(step: top.step, need: top.next, message: message))
                case .done:
                    break
                }
            }
        }
        return found.sorted { ($0.step, $0.need) < ($1.step, $1.need) }
    }
}
