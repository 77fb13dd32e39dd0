import DequeModule

/// The queued tasks, in lanes of role × priority × capabilities, FIFO within a lane.
///
/// Picking for an agent compares the heads of the lanes it fits. A head's effective rank is its
/// priority rank minus one step per `agingInterval` it has waited, so a `low` task that has
/// waited three intervals competes with fresh `critical` work: higher lanes go first and nothing
/// starves. Removal (cancel) is lazy: the id is remembered and skipped when it reaches a head.
public struct ReadyLanes: Sendable {
    public struct Entry: Sendable, Hashable {
        public var id: String
        public var queuedAt: Double
    }

    private struct Lane: Sendable {
        var key: LaneKey
        var entries: Deque<Entry> = []
        /// Entries not removed while queued.
        var live = 0
    }

    /// Lanes are named by their index, so a push or pop hashes the task id at most, never the
    /// lane key. An emptied lane stays until empty ones pile up (see `compactIfSparse`).
    private var lanes: [Lane] = []
    private var laneIndex: [LaneKey: Int] = [:]
    /// Ids removed while queued, with the lane still holding their (dead) entry.
    private var removed: [String: Int] = [:]
    private var laneOf: [String: Int] = [:]
    /// Pushes so far: a changed count tells the scheduler that work entered a lane.
    private(set) var pushes = 0
    /// Seconds of waiting that raise a task by one priority step.
    public var agingInterval: Double

    public init(agingInterval: Double = 60) {
        self.agingInterval = agingInterval
    }

    /// Number of queued tasks in all lanes.
    public var count: Int { laneOf.count }

    public func contains(_ id: String) -> Bool { laneOf[id] != nil }

    /// Live depth of every non-empty lane.
    public var depths: [LaneKey: Int] {
        var out: [LaneKey: Int] = [:]
        for lane in lanes where lane.live > 0 { out[lane.key] = lane.live }
        return out
    }

    /// When the oldest live entry of every non-empty lane was queued: its head, since each
    /// lane is FIFO (removed ids are skipped, not dropped: this only reads).
    public var oldestQueuedAt: [LaneKey: Double] {
        var out: [LaneKey: Double] = [:]
        for (index, lane) in lanes.enumerated() where lane.live > 0 {
            if let head = lane.entries.first(where: { removed[$0.id] != index }) { out[lane.key] = head.queuedAt }
        }
        return out
    }

    public mutating func push(_ id: String, lane key: LaneKey, queuedAt: Double) {
        guard laneOf[id] == nil else { return }
        if !removed.isEmpty, let stale = removed.removeValue(forKey: id) {
            // Drop the dead entry now, or it would come back to life beside the new one.
            lanes[stale].entries.removeAll { $0.id == id }
        }
        let index: Int
        if let known = laneIndex[key] {
            index = known
        } else {
            compactIfSparse()
            index = lanes.count
            lanes.append(Lane(key: key))
            laneIndex[key] = index
        }
        lanes[index].entries.append(Entry(id: id, queuedAt: queuedAt))
        lanes[index].live += 1
        laneOf[id] = index
        pushes &+= 1
    }

    /// Takes a task out of its lane (cancelled while queued). Returns whether it was queued.
    @discardableResult
    public mutating func remove(_ id: String) -> Bool {
        guard let index = laneOf.removeValue(forKey: id) else { return false }
        removed[id] = index
        lanes[index].live -= 1
        return true
    }

    /// The effective rank of a lane head after aging (lower goes first).
    public func effectiveRank(priority: Priority, queuedAt: Double, now: Double) -> Double {
        guard agingInterval > 0 else { return Double(priority.rank) }
        let steps = ((now - queuedAt) / agingInterval).rounded(.down)
        return Double(priority.rank) - max(0, steps)
    }

    /// Removes and returns the task an agent with these roles and capabilities should run next.
    public mutating func popBest(roles: Set<String>, capabilities: Set<String>, now: Double) -> String? {
        var best: (index: Int, rank: Double, entry: Entry)?
        for index in lanes.indices where lanes[index].live > 0 && lanes[index].key.fits(roles: roles, capabilities: capabilities) {
            guard let head = head(of: index) else { continue }
            let priority = lanes[index].key.priority
            let rank = effectiveRank(priority: priority, queuedAt: head.queuedAt, now: now)
            if let current = best {
                let currentPriority = lanes[current.index].key.priority
                let better = rank < current.rank
                    || (rank == current.rank && priority.rank < currentPriority.rank)
                    || (rank == current.rank && priority == currentPriority && (head.queuedAt, head.id) < (current.entry.queuedAt, current.entry.id))
                if !better { continue }
            }
            best = (index, rank, head)
        }
        guard let best else { return nil }
        lanes[best.index].entries.removeFirst()
        lanes[best.index].live -= 1
        laneOf.removeValue(forKey: best.entry.id)
        return best.entry.id
    }

    /// The first live entry of a lane; drops removed ids it passes.
    private mutating func head(of index: Int) -> Entry? {
        while let first = lanes[index].entries.first {
            if !removed.isEmpty, removed.removeValue(forKey: first.id) != nil {
                lanes[index].entries.removeFirst()
                continue
            }
            return first
        }
        return nil
    }

    /// Drops empty lanes once they are most of the lanes, so a stream of one-off roles or
    /// capability sets cannot make every pick walk a long list of dead lanes.
    private mutating func compactIfSparse() {
        let empty = lanes.count(where: { $0.entries.isEmpty })
        guard empty >= 16, empty * 2 > lanes.count else { return }
        var renumbered: [Int] = Array(repeating: -1, count: lanes.count)
        var kept: [Lane] = []
        for (index, lane) in lanes.enumerated() where !lane.entries.isEmpty {
            renumbered[index] = kept.count
            kept.append(lane)
        }
        lanes = kept
        laneIndex = Dictionary(uniqueKeysWithValues: kept.enumerated().map { ($1.key, $0) })
        laneOf = laneOf.mapValues { renumbered[$0] }
        removed = removed.mapValues { renumbered[$0] }
    }

    /// Whether any queued task fits an agent with these roles and capabilities.
    public func hasWork(roles: Set<String>, capabilities: Set<String>) -> Bool {
        lanes.contains { $0.live > 0 && $0.key.fits(roles: roles, capabilities: capabilities) }
    }
}
