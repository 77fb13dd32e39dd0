/// One point of `GET /api/stats/history`: what happened in one sampling interval.
public struct StatsSample: Sendable, Hashable {
    public enum Field: String, CaseIterable, Sendable {
        case completedPerSecond = "completed_per_second"
        case latencyP50 = "latency_p50"
        case latencyP99 = "latency_p99"
        case queued, running, ts
    }

    /// When the interval ended (seconds since 1970).
    public var ts: Double
    /// Tasks that succeeded in the interval, per second.
    public var completedPerSecond: Double
    /// Submission-to-success seconds of the tasks that succeeded in the interval; nil when none did.
    public var latencyP50: Double?
    public var latencyP99: Double?
    /// Tasks waiting in lanes, and running, at the end of the interval.
    public var queued: Int
    public var running: Int

    public init(ts: Double, completedPerSecond: Double, latencyP50: Double?, latencyP99: Double?, queued: Int, running: Int) {
        self.ts = ts
        self.completedPerSecond = completedPerSecond
        self.latencyP50 = latencyP50
        self.latencyP99 = latencyP99
        self.queued = queued
        self.running = running
    }

    public var json: JSONValue {
        typealias F = Field
        return [
            F.ts.rawValue: .string(Timestamp.iso8601(ts)),
            F.completedPerSecond.rawValue: .double(completedPerSecond),
            F.latencyP50.rawValue: latencyP50.map { .double($0) } ?? .null,
            F.latencyP99.rawValue: latencyP99.map { .double($0) } ?? .null,
            F.queued.rawValue: .int(Int64(queued)),
            F.running.rawValue: .int(Int64(running)),
        ]
    }
}

/// The last ``capacity`` samples, oldest first: a ring that overwrites its oldest sample, so
/// memory stays fixed however long the hub runs (360 samples of 10 s = one hour).
public struct StatsHistory: Sendable, Hashable {
    public let capacity: Int
    private var ring: [StatsSample] = []
    /// Where the next sample goes once the ring is full.
    private var next = 0

    public init(capacity: Int = 360) {
        self.capacity = max(1, capacity)
        ring.reserveCapacity(self.capacity)
    }

    public var count: Int { ring.count }

    public mutating func append(_ sample: StatsSample) {
        if ring.count < capacity {
            ring.append(sample)
        } else {
            ring[next] = sample
            next = (next + 1) % capacity
        }
    }

    /// Every sample kept, oldest first.
    public var samples: [StatsSample] { Array(ring[next...] + ring[..<next]) }

    /// The newest `count` samples at most, oldest first.
    public func last(_ count: Int) -> [StatsSample] { Array(samples.suffix(max(0, count))) }
}

/// What the scheduler gathers between two samples: the latencies of tasks that succeeded.
/// Bounded: beyond ``limit`` completions in one interval, the latencies kept are a prefix
/// (percentiles of a burst are then those of its first ``limit``), the count stays exact.
public struct IntervalCompletions: Sendable, Hashable {
    public static let limit = 20_000
    public private(set) var count = 0
    public private(set) var latencies: [Double] = []

    public init() {}

    public mutating func record(latency: Double) {
        count += 1
        if latencies.count < Self.limit { latencies.append(latency) }
    }

    /// The sample for an interval of `seconds` ending at `now`.
    public func sample(at now: Double, seconds: Double, queued: Int, running: Int) -> StatsSample {
        let sorted = latencies.sorted()
        func at(_ q: Double) -> Double? {
            sorted.isEmpty ? nil : sorted[min(sorted.count - 1, Int((Double(sorted.count) * q).rounded(.down)))]
        }
        return StatsSample(
            ts: now, completedPerSecond: seconds > 0 ? Double(count) / seconds : 0,
            latencyP50: at(0.5), latencyP99: at(0.99), queued: queued, running: running
        )
    }
}
