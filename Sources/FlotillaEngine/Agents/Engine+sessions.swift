public import FlotillaCore
public import Logging

extension Engine {
    /// Opens an agent connection: from now on what the engine sends it goes to `outbox`, and
    /// the returned session applies what the agent sends. The transport calls
    /// ``AgentSession/closed()`` when the connection ends.
    ///
    /// - Parameter relayCheck: bounds on the agent's `message` relays (nil: none).
    public func openSession(
        identity: Identity,
        outbox: any AgentOutbox,
        logger: Logger,
        relayCheck: AgentSession.RelayCheck? = nil
    ) -> AgentSession {
        let connection = inspect { $0.openConnection() }
        connections.open(connection, outbox: outbox)
        return AgentSession(engine: self, identity: identity, connection: connection, logger: logger, relayCheck: relayCheck)
    }
}
