import FlotillaCore

/// What the benchmark agents' results carry. The ledger's own cost is `cost` against
/// `unreadCost`: the same bytes, parsed and stored alike, but only `cost` is read into a ledger
/// line (agents reported costs in their results before the hub kept a ledger).
public enum BenchResults: String, Sendable {
    /// `{}`: no cost (`flotilla bench`).
    case empty
    /// A `cost` as an LLM agent reports it (`--with-cost`): one ledger line per task.
    case cost
    /// The same cost under `kost`, which the hub does not read (`--with-unread-cost`).
    case unreadCost = "unread_cost"

    var json: JSONValue {
        let cost: JSONValue = ["tokens_in": 1200, "tokens_out": 300, "cached_tokens": 600, "usd": 0.0021]
        switch self {
        case .empty: return .object([:])
        case .cost: return ["cost": cost]
        case .unreadCost: return ["kost": cost]
        }
    }
}
