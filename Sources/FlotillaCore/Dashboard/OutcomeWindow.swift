/// Attempts that ended succeeded, failed (to retry) or dead over the last hour, in 60 minute
/// buckets: recording and reading cost O(1) and O(60) whatever the rate, and the window slides
/// one minute at a time. It lives in memory only: after a hub restart it counts from zero.
public struct OutcomeWindow: Sendable, Hashable {
    public struct Counts: Sendable, Hashable {
        public var succeeded = 0
        public var failed = 0
        public var dead = 0

        public init(succeeded: Int = 0, failed: Int = 0, dead: Int = 0) {
            self.succeeded = succeeded
            self.failed = failed
            self.dead = dead
        }

        mutating func add(_ other: Counts) {
            succeeded += other.succeeded
            failed += other.failed
            dead += other.dead
        }
    }

    /// Seconds one bucket covers.
    public static let bucketSeconds = 60.0
    /// Buckets in the window (one hour).
    public static let bucketCount = 60

    private struct Bucket: Sendable, Hashable {
        /// Minutes since 1970 this bucket counts (-1: unused).
        var minute = -1
        var counts = Counts()
    }

    /// Indexed by minute since 1970 modulo the count.
    private var buckets = [Bucket](repeating: Bucket(), count: OutcomeWindow.bucketCount)

    public init() {}

    /// Counts an attempt that ended in `state` at `now` (other states are not counted).
    public mutating func record(_ state: TaskState, at now: Double) {
        let minute = Int((now / Self.bucketSeconds).rounded(.down))
        let index = ((minute % Self.bucketCount) + Self.bucketCount) % Self.bucketCount
        if buckets[index].minute != minute { buckets[index] = Bucket(minute: minute) }
        switch state {
        case .succeeded: buckets[index].counts.succeeded += 1
        case .failed: buckets[index].counts.failed += 1
        case .dead: buckets[index].counts.dead += 1
        default: break
        }
    }

    /// The counts of the last hour at `now` (the current minute and the 59 before it).
    public func lastHour(now: Double) -> Counts {
        let minute = Int((now / Self.bucketSeconds).rounded(.down))
        var total = Counts()
        for bucket in buckets where bucket.minute > minute - Self.bucketCount && bucket.minute <= minute {
            total.add(bucket.counts)
        }
        return total
    }
}
