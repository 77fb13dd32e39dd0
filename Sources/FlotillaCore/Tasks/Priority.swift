/// A task's lane priority. Higher lanes are served first; aging lets lower lanes catch up.
public enum Priority: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    case critical, high, normal, low

    /// 0 for `critical` up to 3 for `low`: lower is served first.
    public var rank: Int {
        switch self {
        case .critical: 0
        case .high: 1
        case .normal: 2
        case .low: 3
        }
    }

    public init?(rank: Int) {
        guard let value = Self.allCases.first(where: { $0.rank == rank }) else { return nil }
        self = value
    }

    public static func < (lhs: Priority, rhs: Priority) -> Bool { lhs.rank > rhs.rank }
}

/// How hard a task is; agents use it to pick among their executors.
public enum Complexity: String, Sendable, Hashable, CaseIterable, Codable {
    case trivial, standard, complex
}
