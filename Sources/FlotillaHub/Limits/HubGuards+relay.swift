import FlotillaCore
import FlotillaEngine

extension HubGuards {
    /// Whether an agent may relay this `message` now: its payload within the size bound, and
    /// one request from the token's rate per recipient (a broadcast to 50 agents costs 50),
    /// so no agent can flood the fleet with large broadcasts.
    func admitRelay(_ envelope: Envelope, from identity: Identity, recipients: Int) throws(FlotillaError) {
        let size = envelope.payload.jsonBytes.count
        guard size <= limits.messageBytes else {
            throw FlotillaError(.bodyTooLarge, "A relayed message's payload may be at most \(limits.messageBytes) bytes, this one has \(size); send a reference (a file path, a URL) instead.", field: "payload")
        }
        do {
            try rates.admit(identity, cost: max(1, recipients))
        } catch {
            throw error.error
        }
    }
}
