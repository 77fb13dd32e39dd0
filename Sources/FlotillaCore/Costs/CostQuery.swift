/// A question to the cost ledger: totals grouped `by` one dimension, for lines recorded in
/// `[since, until)` (`GET /api/costs?by=&since=&until=`, `flotilla costs`).
public struct CostQuery: Sendable, Hashable {
    public enum Grouping: String, Sendable, Hashable, CaseIterable {
        case agent, role, type, day, task, model, executor, goal
    }

    public var by: Grouping
    public var since: Double?
    public var until: Double?

    public init(by: Grouping = .agent, since: Double? = nil, until: Double? = nil) {
        self.by = by
        self.since = since
        self.until = until
    }

    /// Reads the query parameters `by`, `since` and `until` (`since`/`until`: an ISO-8601 time,
    /// or a duration back from `now` such as `30m`, `24h`, `7d`); bad ones are refused by name.
    public init(parameters: [String: String], now: Double) throws(FlotillaError) {
        var by = Grouping.agent
        if let raw = parameters["by"] {
            guard let grouping = Grouping(rawValue: raw) else {
                throw FlotillaError(.invalidField, "'by' must be one of \(Grouping.allCases.map(\.rawValue).joined(separator: ", ")), got '\(raw)'.", field: "by")
            }
            by = grouping
        }
        let since = try parameters["since"].map { raw throws(FlotillaError) in try Self.time(raw, field: "since", now: now) }
        let until = try parameters["until"].map { raw throws(FlotillaError) in try Self.time(raw, field: "until", now: now) }
        if let since, let until, until < since {
            throw FlotillaError(.invalidField, "'until' (\(Timestamp.iso8601(until))) is before 'since' (\(Timestamp.iso8601(since))).", field: "until")
        }
        self.init(by: by, since: since, until: until)
    }

    /// An ISO-8601 time (`2026-12-04T00:00:00Z`, or a day `2026-12-04`), or `N` + `s|m|h|d`
    /// before `now`.
    public static func time(_ raw: String, field: String, now: Double) throws(FlotillaError) -> Double {
        if let unit = raw.last, let amount = Double(raw.dropLast()), amount >= 0, amount.isFinite {
            let seconds: Double? = switch unit {
            case "s": 1
            case "m": 60
            case "h": 3600
            case "d": 86_400
            default: nil
            }
            if let seconds { return now - amount * seconds }
        }
        if let time = Timestamp.parse(raw) { return time }
        if raw.count == 10, let time = Timestamp.parse(raw + "T00:00:00Z") { return time }
        throw FlotillaError(.invalidField, "'\(field)' must be an ISO-8601 time (2026-12-04T09:00:00Z or 2026-12-04) or a duration back from now (30m, 24h, 7d), got '\(raw)'.", field: field)
    }
}

/// One group's total in a ``CostReport`` (or a task's `cost`).
public struct CostTotal: Sendable, Hashable {
    public var key: String?
    public var usage: Usage
    public var attempts: Int

    public init(key: String?, usage: Usage, attempts: Int) {
        self.key = key
        self.usage = usage
        self.attempts = attempts
    }

    /// `{"key","usd","input_tokens","output_tokens","cached_tokens","attempts"}` (no `key` for
    /// the overall total).
    public func json(withKey: Bool = true) -> JSONValue {
        var object = usage.members
        object["attempts"] = .int(Int64(attempts))
        if withKey { object["key"] = key.map(JSONValue.string) ?? .null }
        return .object(object)
    }
}

/// The answer of `GET /api/costs`: `{"by","since","until","totals":[…],"total":{…}}`, groups
/// by USD spent, highest first (by day: oldest first).
public struct CostReport: Sendable, Hashable {
    public var query: CostQuery
    public var totals: [CostTotal]
    public var total: CostTotal

    public init(query: CostQuery, totals: [CostTotal], total: CostTotal) {
        self.query = query
        self.totals = totals
        self.total = total
    }

    public var json: JSONValue {
        [
            "by": .string(query.by.rawValue),
            "since": query.since.map { .string(Timestamp.iso8601($0)) } ?? .null,
            "until": query.until.map { .string(Timestamp.iso8601($0)) } ?? .null,
            "totals": .array(totals.map { $0.json() }),
            "total": total.json(withKey: false),
        ]
    }
}
