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

    private var lanes: [LaneKey: Deque<Entry>] = [:]
    private var live: [LaneKey: Int] = [:]
    /// Ids removed while queued, with the lane still holding their (dead) entry.
    private var removed: [String: LaneKey] = [:]
    private var laneOf: [String: LaneKey] = [:]
    /// Seconds of waiting that raise a task by one priority step.
    public var agingInterval: Double

    public init(agingInterval: Double = 60) {
        self.agingInterval = agingInterval
    }

    /// Number of queued tasks in all lanes.
    public var count: Int { laneOf.count }

    public func contains(_ id: String) -> Bool { laneOf[id] != nil }

    /// Live depth of every non-empty lane.
    public var depths: [LaneKey: Int] { live.filter { $0.value > 0 } }

    public mutating func push(_ id: String, lane: LaneKey, queuedAt: Double) {
        guard laneOf[id] == nil else { return }
        if let stale = removed.removeValue(forKey: id) {
            // Drop the dead entry now, or it would come back to life beside the new one.
            lanes[stale]?.removeAll { $0.id == id }
            if lanes[stale]?.isEmpty == true {
                lanes.removeValue(forKey: stale)
                if live[stale] == 0 { live.removeValue(forKey: stale) }
            }
        }
        lanes[lane, default: []].append(Entry(id: id, queuedAt: queuedAt))
        live[lane, default: 0] += 1
        laneOf[id] = lane
    }

    /// Takes a task out of its lane (cancelled while queued). Returns whether it was queued.
    @discardableResult
    public mutating func remove(_ id: String) -> Bool {
        guard let lane = laneOf.removeValue(forKey: id) else { return false }
        removed[id] = lane
        live[lane, default: 1] -= 1
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
        var best: (lane: LaneKey, rank: Double, entry: Entry)?
        for (lane, liveCount) in live where liveCount > 0 && lane.fits(roles: roles, capabilities: capabilities) {
            guard let head = head(of: lane) else { continue }
            let rank = effectiveRank(priority: lane.priority, queuedAt: head.queuedAt, now: now)
            if let current = best {
                let better = rank < current.rank
                    || (rank == current.rank && lane.priority.rank < current.lane.priority.rank)
                    || (rank == current.rank && lane.priority == current.lane.priority && (head.queuedAt, head.id) < (current.entry.queuedAt, current.entry.id))
                if !better { continue }
            }
            best = (lane, rank, head)
        }
        guard let best else { return nil }
        lanes[best.lane]!.removeFirst()
        live[best.lane]! -= 1
        laneOf.removeValue(forKey: best.entry.id)
        if lanes[best.lane]!.isEmpty {
            lanes.removeValue(forKey: best.lane)
            live.removeValue(forKey: best.lane)
        }
        return best.entry.id
    }

    /// The first live entry of a lane; drops removed ids it passes.
    private mutating func head(of lane: LaneKey) -> Entry? {
        while let first = lanes[lane]?.first {
            if removed[first.id] != nil {
                removed.removeValue(forKey: first.id)
                lanes[lane]!.removeFirst()
                continue
            }
            return first
        }
        return nil
    }

    /// Whether any queued task fits an agent with these roles and capabilities.
    public func hasWork(roles: Set<String>, capabilities: Set<String>) -> Bool {
        live.contains { $0.value > 0 && $0.key.fits(roles: roles, capabilities: capabilities) }
    }
}
